"""The example Orders resource: domain model and storage, independent of HTTP."""
