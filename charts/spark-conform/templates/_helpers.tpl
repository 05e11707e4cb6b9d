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

{{/*
The Spark service account of a sparkNamespaces entry: its own, else the
policy's service-account name, else spark (the embedded default's).
Called with (list $ entry).
*/}}
{{- define "spark-conform.sparkAccount" -}}
{{- $root := index . 0 -}}
{{- $entry := index . 1 -}}
{{- $rules := (get ($root.Values.policy | default dict) "rules") | default dict -}}
{{- $policyAccount := (get ((get $rules "service-account") | default dict) "name") | default "spark" -}}
{{- $entry.serviceAccount | default $policyAccount -}}
{{- end }}

{{/*
The policy as the ConfigMap carries it: the policy value, with each
sparkNamespaces entry's account named in its namespace override (an account
named for a namespace is one the webhook knows exists there).
*/}}
{{- define "spark-conform.policy" -}}
{{- $policy := deepCopy (.Values.policy | default dict) -}}
{{- if .Values.sparkNamespaces -}}
{{- $overrides := (get $policy "namespaceOverrides") | default dict -}}
{{- range .Values.sparkNamespaces -}}
{{- $override := (get $overrides .name) | default dict -}}
{{- if not (hasKey $override "serviceAccount") -}}
{{- $_ := set $override "serviceAccount" (include "spark-conform.sparkAccount" (list $ .)) -}}
{{- end -}}
{{- $_ := set $overrides .name $override -}}
{{- end -}}
{{- $_ := set $policy "namespaceOverrides" $overrides -}}
{{- end -}}
{{- if $policy -}}
{{- toYaml $policy -}}
{{- end -}}
{{- end }}
