{{/*
Names and labels shared by every object of the chart.

NOTE: template names are global across a chart and its subcharts. Rename the "chart."
prefix if this chart becomes a subchart next to another chart that uses it.
*/}}

{{/* Chart name, overridable with nameOverride; at most 63 characters (DNS-1123). */}}
{{- define "chart.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of the release's objects: the release name, prefixed with the chart name unless
the release name already contains it. Truncated to 63 characters, the Kubernetes limit
for label values and DNS-1123 names.
*/}}
{{- define "chart.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{/* Chart name and version, as the helm.sh/chart label expects them. */}}
{{- define "chart.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/* Labels that select the service's pods; they never change after the first install. */}}
{{- define "chart.selectorLabels" -}}
app.kubernetes.io/name: {{ include "chart.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/*
Labels of the `helm test` pod. They differ from the selector labels, so the Service,
the PodDisruptionBudget and the NetworkPolicy never select it.
*/}}
{{- define "chart.testSelectorLabels" -}}
app.kubernetes.io/name: {{ include "chart.name" . }}-test
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{/* Labels of every object. */}}
{{- define "chart.labels" -}}
helm.sh/chart: {{ include "chart.chart" . }}
{{ include "chart.selectorLabels" . }}
app.kubernetes.io/version: {{ .Values.image.tag | default .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: {{ include "chart.name" . }}
{{- end }}

{{/* Name of the ServiceAccount the pods run as. */}}
{{- define "chart.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "chart.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* Image reference: a digest, when set, pins the image whatever the tag says. */}}
{{- define "chart.image" -}}
{{- $tag := .Values.image.tag | default .Chart.AppVersion }}
{{- if .Values.image.digest }}
{{- printf "%s:%s@%s" .Values.image.repository $tag .Values.image.digest }}
{{- else }}
{{- printf "%s:%s" .Values.image.repository $tag }}
{{- end }}
{{- end }}

{{/*
Seconds between the pod's deletion and SIGKILL. The countdown includes the preStop
pause, so it covers the pause, the service's drain (readiness fails while traffic
moves away), its shutdown timeout for in-flight requests and a margin to exit.
*/}}
{{- define "chart.terminationGracePeriodSeconds" -}}
{{- $shutdown := .Values.shutdown }}
{{- add $shutdown.preStopSeconds $shutdown.drainSeconds $shutdown.timeoutSeconds $shutdown.exitMarginSeconds }}
{{- end }}

{{/*
Whether a PodDisruptionBudget is rendered: only when at least two replicas run, so a
single replica never blocks a node drain.
*/}}
{{- define "chart.pdbEnabled" -}}
{{- $replicas := int .Values.replicaCount }}
{{- if .Values.autoscaling.enabled }}
{{- $replicas = int .Values.autoscaling.minReplicas }}
{{- end }}
{{- if and .Values.podDisruptionBudget.enabled (ge $replicas 2) }}true{{ end }}
{{- end }}
