"""Authentication, authorization and security headers of the HTTP API."""
