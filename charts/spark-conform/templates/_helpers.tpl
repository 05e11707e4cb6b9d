{{- define "spark-conform.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{- define "spark-conform.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else if contains (include "spark-conform.name" .) .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name (include "spark-conform.name" .) | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}

{{- define "spark-conform.selectorLabels" -}}
app.kubernetes.io/name: {{ include "spark-conform.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "spark-conform.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{ include "spark-conform.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
{{- end }}

{{- define "spark-conform.tlsSecretName" -}}
{{- if eq .Values.certificates.mode "existing" }}
{{- required "certificates.existing.secretName is required with certificates.mode=existing" .Values.certificates.existing.secretName }}
{{- else }}
{{- printf "%s-tls" (include "spark-conform.fullname" .) }}
{{- end }}
{{- end }}

{{/* The DNS names the apiserver dials for the service. */}}
{{- define "spark-conform.dnsNames" -}}
{{- $service := include "spark-conform.fullname" . -}}
{{- list $service (printf "%s.%s" $service .Release.Namespace) (printf "%s.%s.svc" $service .Release.Namespace) (printf "%s.%s.svc.cluster.local" $service .Release.Namespace) | toJson }}
{{- end }}

{{/* The webhook entries' names (webhook.yaml), as a PromQL regex matching all four: the apiserver labels its webhook metrics with them. */}}
{{- define "spark-conform.webhookNamePattern" -}}
((privileged|baseline|restricted)\\.)?pods\\.spark-conform\\.io
{{- end }}
