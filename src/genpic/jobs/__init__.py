"""Asynchronous jobs and batches: submit now, generate at the model's pace, report by webhook.

``genpic.jobs.service.Jobs`` submits and reads jobs; ``genpic.jobs.base.JobStore``
keeps them (``sqlite`` next to the records locally, ``dynamodb`` in the records
table on AWS); ``genpic.jobs.runner.Runner`` runs one; the embedded pool
(``genpic.jobs.pool``) or the SQS worker (``genpic.aws.worker``) decides when.
"""
