# A complete deployment of exifscrub into one account and region. Bucket
# names are made unique by the account id and region, so the example needs
# no random provider and plans the same names every time.

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Project   = "exifscrub"
      ManagedBy = "terraform"
    }
  }
}

data "aws_caller_identity" "current" {}

locals {
  suffix = "${data.aws_caller_identity.current.account_id}-${var.region}"
}

module "exifscrub" {
  source = "../../modules/exifscrub"

  name                    = var.name
  source_bucket_name      = "${var.name}-uploads-${local.suffix}"
  destination_bucket_name = "${var.name}-scrubbed-${local.suffix}"
  lambda_zip_path         = var.lambda_zip_path
  architecture            = var.architecture
  event_delivery          = var.event_delivery
  alarm_sns_topic_arn     = var.alarm_sns_topic_arn
  force_destroy           = var.force_destroy
}
