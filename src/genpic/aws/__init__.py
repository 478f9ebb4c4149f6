"""Lambda entry points: the handlers, the event shapes they accept, and the SQS worker.

When Lambda's runtime imports ``genpic.aws.handlers`` (it names the module in ``_HANDLER``),
the cyclic garbage collector stays off until init is over: init creates objects that live
as long as the process (modules, models, clients), and each collection during init would
traverse them all again. :func:`genpic.aws.snapstart.prime` turns it back on at the end
of init with those objects frozen, as Python's :func:`gc.freeze` documentation advises
before a fork (a SnapStart snapshot is one). The dataclasses init makes run the
bytecode the bundle ships for them (``genpic.aws.dataclass_code``), and pydantic looks
for no plugins: it would read every installed package's metadata to find none.
"""

import gc
import os

if os.environ.get("_HANDLER", "").startswith(f"{__name__}.handlers."):
    gc.disable()
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    from genpic.aws import dataclass_code

    dataclass_code.install()
