{{/*
Every object is named after the release (helm install warren-agent ... makes the StatefulSet
warren-agent and the Secret warren-agent-0-state), at most 52 characters: pods append -N.
*/}}
{{- define "kube-agent.fullname" -}}
{{- default .Release.Name .Values.fullnameOverride | trunc 52 | trimSuffix "-" -}}
{{- end -}}

{{- define "kube-agent.selectorLabels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}

{{- define "kube-agent.labels" -}}
{{ include "kube-agent.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version }}
{{- with .Values.extraLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{- define "kube-agent.serviceAccountName" -}}
{{- default (include "kube-agent.fullname" .) .Values.serviceAccount.name -}}
{{- end -}}

{{- define "kube-agent.tokenSecretName" -}}
{{- default (printf "%s-join-token" (include "kube-agent.fullname" .)) .Values.joinTokenSecret.name -}}
{{- end -}}

{{- define "kube-agent.image" -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag) -}}
{{- end -}}

{{/* labels as k=v,k2=v2, sorted, as warren-agent --labels reads them. */}}
{{- define "kube-agent.labelList" -}}
{{- $pairs := list -}}
{{- range $key, $value := .Values.labels -}}
{{- $pairs = append $pairs (printf "%s=%s" $key $value) -}}
{{- end -}}
{{- join "," $pairs -}}
{{- end -}}
