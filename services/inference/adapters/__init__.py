"""What the inference service reaches outside itself through: model artifacts on a local disk or S3."""
