"""Where generated images are kept: S3 or a local directory."""
