# Sourced by the Terraform check scripts: finds terraform and makes every
# run offline and free of side effects in the source tree. The CLI
# configuration points provider installation at an empty local mirror, so
# `terraform init` fails instead of downloading if a module ever gains a
# provider, and TF_DATA_DIR keeps .terraform out of infra/terraform.
#
# Requires: WORK_DIR set to a scratch folder owned by the caller.

if ! command -v terraform >/dev/null 2>&1; then
  echo "terraform is not on PATH; install Terraform >= 1.6 from https://developer.hashicorp.com/terraform/install to run this check" >&2
  exit 77
fi

mkdir -p "$WORK_DIR/empty-mirror"
cat >"$WORK_DIR/terraformrc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$WORK_DIR/empty-mirror"
    include = ["*/*/*"]
  }
}
RC
export TF_CLI_CONFIG_FILE=$WORK_DIR/terraformrc
export TF_DATA_DIR=$WORK_DIR/terraform-data
export TF_IN_AUTOMATION=1
export TF_INPUT=0
export CHECKPOINT_DISABLE=1
unset TF_PLUGIN_CACHE_DIR
