"""Training the image model: inputs, the training loop, the genre decoder, DDP and the SageMaker launcher."""
