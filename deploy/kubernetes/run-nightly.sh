#!/usr/bin/env bash
# Runs the nightly campaign on a Kubernetes cluster: the shards' Indexed Job,
# then, once every shard has finished (passed or found something), the merge
# job; prints the merged summary and exits as `unwedge merge` did (0 clean,
# 1 a finding, 2 a shard's report missing or corrupt, 3 the harness broken).
#
#   deploy/kubernetes/run-nightly.sh               # namespace from kubectl's context
#   NAMESPACE=ci deploy/kubernetes/run-nightly.sh
#
# Needs kubectl, the image of deploy/Dockerfile pushed where the manifests
# say, and a ReadWriteMany storage class (reports-volume.yaml).
set -euo pipefail
cd "$(dirname "$0")"
ns=(--namespace "${NAMESPACE:-$(kubectl config view --minify -o 'jsonpath={..namespace}' || true)}")
[[ -n "${ns[1]}" ]] || ns=(--namespace default)

# job_end JOB: waits until JOB is Complete or Failed and prints which.
job_end() {
  local state
  while true; do
    state=$(kubectl "${ns[@]}" get job "$1" \
      -o 'jsonpath={.status.conditions[?(@.status=="True")].type}')
    case " $state " in
      *" Complete "*) echo Complete; return ;;
      *" Failed "*) echo Failed; return ;;
    esac
    sleep 30
  done
}

kubectl "${ns[@]}" apply -f reports-volume.yaml
kubectl "${ns[@]}" delete job unwedge-nightly-shards unwedge-nightly-merge --ignore-not-found
kubectl "${ns[@]}" apply -f nightly-shards.yaml
echo "shards: $(job_end unwedge-nightly-shards) (a failed index is a shard with a finding)"
kubectl "${ns[@]}" apply -f nightly-merge.yaml
merge=$(job_end unwedge-nightly-merge)
kubectl "${ns[@]}" logs job/unwedge-nightly-merge
if [[ "$merge" == Complete ]]; then
  exit 0
fi
code=$(kubectl "${ns[@]}" get pods -l job-name=unwedge-nightly-merge \
  -o 'jsonpath={.items[0].status.containerStatuses[0].state.terminated.exitCode}')
exit "${code:-1}"
