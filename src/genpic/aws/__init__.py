"""Lambda entry points: the handlers, the event shapes they accept, and the SQS worker."""
