{{- define "hub.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "hub.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "hub.labels" -}}
{{ include "hub.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.extraLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* The hub's name: kubeconfig contexts, and the audience of the operator's join token. */}}
{{- define "hub.name" -}}
{{- $host := "" -}}
{{- with .Values.publicAddrs }}{{- $host = first . | splitList ":" | first -}}{{- end -}}
{{- default (default (include "hub.fullname" .) $host) .Values.config.hub_name -}}
{{- end -}}

{{- define "hub.operatorName" -}}
{{- printf "%s-operator" (include "hub.fullname" .) | trunc 63 | trimSuffix "-" -}}
{{- end -}}
