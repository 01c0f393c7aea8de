{{/*
Helpers shared by every template: names, labels, the image, secret references, placement.
*/}}

{{/* The chart name, or nameOverride. */}}
{{- define "c4confd.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" -}}
{{- end -}}

{{/* RELEASE-c4confd (or RELEASE when it already holds the name, or fullnameOverride). */}}
{{- define "c4confd.fullname" -}}
{{- if .Values.fullnameOverride -}}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- $name := default .Chart.Name .Values.nameOverride -}}
{{- if contains $name .Release.Name -}}
{{- .Release.Name | trunc 63 | trimSuffix "-" -}}
{{- else -}}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" -}}
{{- end -}}
{{- end -}}
{{- end -}}

{{/* The name of one component's objects: FULLNAME-COMPONENT. Call with (list $ "api"). */}}
{{- define "c4confd.componentName" -}}
{{- $root := index . 0 -}}
{{- printf "%s-%s" (include "c4confd.fullname" $root | trunc 50 | trimSuffix "-") (index . 1) -}}
{{- end -}}

{{/* Labels of every object. */}}
{{- define "c4confd.labels" -}}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
app.kubernetes.io/name: {{ include "c4confd.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: c4confd
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}

{{/* Selector labels of one component. Call with (list $ "api"). */}}
{{- define "c4confd.selectorLabels" -}}
{{- $root := index . 0 -}}
app.kubernetes.io/name: {{ include "c4confd.name" $root }}
app.kubernetes.io/instance: {{ $root.Release.Name }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* Labels of one component's objects: the common labels plus the component. */}}
{{- define "c4confd.componentLabels" -}}
{{ include "c4confd.labels" (index . 0) }}
app.kubernetes.io/component: {{ index . 1 }}
{{- end -}}

{{/* The image reference: repository@digest, else repository:tag (tag defaults to appVersion). */}}
{{- define "c4confd.image" -}}
{{- if .Values.image.digest -}}
{{- printf "%s@%s" .Values.image.repository .Values.image.digest -}}
{{- else -}}
{{- printf "%s:%s" .Values.image.repository (default .Chart.AppVersion .Values.image.tag | toString) -}}
{{- end -}}
{{- end -}}

{{- define "c4confd.serviceAccountName" -}}
{{- if .Values.serviceAccount.create -}}
{{- default (include "c4confd.fullname" .) .Values.serviceAccount.name -}}
{{- else -}}
{{- default "default" .Values.serviceAccount.name -}}
{{- end -}}
{{- end -}}

{{/*
The Secret name of one entry of .Values.secrets: its own existingSecret, else
secrets.existingSecret; fails with the value to set when both are empty.
Call with (list $ "databaseUrl").
*/}}
{{- define "c4confd.secretName" -}}
{{- $root := index . 0 -}}
{{- $entry := index $root.Values.secrets (index . 1) -}}
{{- $name := default $root.Values.secrets.existingSecret $entry.existingSecret -}}
{{- required (printf "secrets.%s.existingSecret or secrets.existingSecret must name the Secret (created by you) that holds key %q" (index . 1) ($entry.key | default $entry.privateKeyKey | default "the files of the secrets directory")) $name -}}
{{- end -}}

{{/* One env entry read from a Secret by reference. Call with (list $ "ENV_NAME" "entryName"). */}}
{{- define "c4confd.secretEnv" -}}
{{- $root := index . 0 -}}
{{- $entry := index $root.Values.secrets (index . 2) -}}
- name: {{ index . 1 }}
  valueFrom:
    secretKeyRef:
      name: {{ include "c4confd.secretName" (list $root (index . 2)) }}
      key: {{ required (printf "secrets.%s.key must not be empty" (index . 2)) $entry.key }}
{{- end -}}

{{/* The env entries both components need: database and Redis URLs. */}}
{{- define "c4confd.commonSecretEnv" -}}
{{ include "c4confd.secretEnv" (list . "C4CONFD_DATABASE_URL" "databaseUrl") }}
{{- if .Values.secrets.redisUrl.enabled }}
{{ include "c4confd.secretEnv" (list . "C4CONFD_REDIS_URL" "redisUrl") }}
{{- end }}
{{- end -}}

{{/*
Pod affinity of one component: podAntiAffinity on the node (soft, hard or none) merged with
the component's extra affinity. Call with (list $ "api" .Values.api).
*/}}
{{- define "c4confd.affinity" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $values := index . 2 -}}
{{- $affinity := deepCopy ($values.affinity | default dict) -}}
{{- $term := dict "topologyKey" "kubernetes.io/hostname" "labelSelector" (dict "matchLabels" (include "c4confd.selectorLabels" (list $root $component) | fromYaml)) -}}
{{- if eq $values.podAntiAffinity "hard" -}}
{{- $_ := set $affinity "podAntiAffinity" (dict "requiredDuringSchedulingIgnoredDuringExecution" (list $term)) -}}
{{- else if eq $values.podAntiAffinity "soft" -}}
{{- $_ := set $affinity "podAntiAffinity" (dict "preferredDuringSchedulingIgnoredDuringExecution" (list (dict "weight" 100 "podAffinityTerm" $term))) -}}
{{- else if ne $values.podAntiAffinity "none" -}}
{{- fail (printf "%s.podAntiAffinity must be soft, hard or none, not %q" $component $values.podAntiAffinity) -}}
{{- end -}}
{{- if $affinity }}
{{- toYaml $affinity }}
{{- end -}}
{{- end -}}

{{/* topologySpreadConstraints of one component, with its labelSelector filled in. */}}
{{- define "c4confd.topologySpread" -}}
{{- $root := index . 0 -}}
{{- $component := index . 1 -}}
{{- $out := list -}}
{{- range (index . 2).topologySpreadConstraints -}}
{{- $c := deepCopy . -}}
{{- if not (hasKey $c "labelSelector") -}}
{{- $_ := set $c "labelSelector" (dict "matchLabels" (include "c4confd.selectorLabels" (list $root $component) | fromYaml)) -}}
{{- end -}}
{{- $out = append $out $c -}}
{{- end -}}
{{- if $out }}
{{- toYaml $out }}
{{- end -}}
{{- end -}}

{{/* The probes of one container, all on GET /status of the named port "http". */}}
{{- define "c4confd.probes" -}}
{{- $probes := . -}}
{{- range $kind := list "startup" "readiness" "liveness" }}
{{ $kind }}Probe:
  httpGet:
    path: /status
    port: http
  {{- toYaml (index $probes $kind) | nindent 2 }}
{{- end }}
{{- end -}}

{{/* The PodDisruptionBudget spec of one component: minAvailable when set, else maxUnavailable. */}}
{{- define "c4confd.pdbSpec" -}}
{{- if and (not (kindIs "invalid" .minAvailable)) (ne (toString .minAvailable) "") -}}
minAvailable: {{ .minAvailable }}
{{- else -}}
maxUnavailable: {{ .maxUnavailable }}
{{- end -}}
{{- end -}}

{{/* The /tmp volume every pod mounts (the root filesystem is read-only). */}}
{{- define "c4confd.tmpVolume" -}}
- name: tmp
  emptyDir:
    sizeLimit: {{ .Values.tmpSizeLimit }}
{{- end -}}

{{/* Checksum of the ConfigMap, so that pods restart when a setting changes. */}}
{{- define "c4confd.configChecksum" -}}
checksum/config: {{ include (print .Template.BasePath "/configmap.yaml") . | sha256sum }}
{{- end -}}

{{/*
One NetworkPolicy egress rule: to the peers of an entry of networkPolicy.egress (any address
when it lists none) on its ports, for each protocol. Call with (list .Values.networkPolicy.egress.redis (list "TCP")).
*/}}
{{- define "c4confd.egressRule" -}}
{{- $rule := index . 0 -}}
{{- $protocols := index . 1 -}}
- ports:
    {{- range $port := $rule.ports }}
    {{- range $protocol := $protocols }}
    - protocol: {{ $protocol }}
      port: {{ $port }}
    {{- end }}
    {{- end }}
  {{- with $rule.to }}
  to:
    {{- toYaml . | nindent 4 }}
  {{- end }}
{{- end -}}

{{/* One NetworkPolicy ingress rule: from peers to one TCP port. Call with (list PEERS PORT). */}}
{{- define "c4confd.ingressRule" -}}
- from:
    {{- toYaml (index . 0) | nindent 4 }}
  ports:
    - protocol: TCP
      port: {{ index . 1 }}
{{- end -}}

{{/* The egress rules every pod of the release needs: the cluster DNS and PostgreSQL. */}}
{{- define "c4confd.egressDnsAndDatabase" -}}
{{ include "c4confd.egressRule" (list .Values.networkPolicy.egress.dns (list "UDP" "TCP")) }}
{{ include "c4confd.egressRule" (list .Values.networkPolicy.egress.postgresql (list "TCP")) }}
{{- end -}}

{{/* The reconciler's reporting flags (values: reporting): commit statuses and notifications. */}}
{{- define "c4confd.reportingArgs" -}}
{{- $r := .Values.reporting -}}
{{- with $r.gitStatus.provider }}
{{- if not (has . (list "github" "gitlab")) }}
{{- fail (printf "reporting.gitStatus.provider must be github or gitlab (or empty), not %q" .) }}
{{- end }}
{{- if not $.Values.secrets.gitStatusToken.enabled }}
{{- fail "reporting.gitStatus.provider needs secrets.gitStatusToken.enabled: true (the Git host's API token)" }}
{{- end }}
- --git-status-provider
- {{ . | quote }}
- --git-status-repo
- {{ required "reporting.gitStatus.repo must name the repository statuses go to (GitHub OWNER/NAME, GitLab project)" $r.gitStatus.repo | quote }}
{{- with $r.gitStatus.apiUrl }}
- --git-status-api-url
- {{ . | quote }}
{{- end }}
{{- with $r.gitStatus.context }}
- --git-status-context
- {{ . | quote }}
{{- end }}
{{- end }}
{{- with $r.publicUrl }}
- --public-url
- {{ . | quote }}
{{- end }}
{{- range $r.notifyUrls }}
- --notify-url
- {{ . | quote }}
{{- end }}
{{- end -}}
