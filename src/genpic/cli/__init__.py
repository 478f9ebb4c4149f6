"""The ``genpic`` command line: a thin caller of the public pipeline.

``app`` is the one Typer application (the ``genpic`` console script). Each command lives in
its own module and is registered on ``app`` here, so adding one is one import and one line.
"""

from __future__ import annotations

from genpic.cli.batch import batch, jobs
from genpic.cli.doctor import doctor
from genpic.cli.edit import edit
from genpic.cli.generate import generate
from genpic.cli.main import app
from genpic.cli.models import models
from genpic.cli.serve import serve
from genpic.cli.stats import stats

app.command()(generate)
app.command()(edit)
app.command()(serve)
app.command()(stats)
app.command()(batch)
app.command()(jobs)
app.command()(models)
app.command()(doctor)

__all__ = ["app"]
