"""Signals of the base app. Feature apps connect to them in their ``AppConfig.ready`` — the base
imports none of them, yet their data follows what happens to the territory."""

from django.dispatch import Signal

# Sent by ``services.reorganisation_apply`` inside its transaction, with ``reorganisation`` and
# ``actor``: each app moves what belongs to the dissolved units (households, future targets…) to
# the successor. A receiver that raises rolls the whole reorganisation back.
units_reorganised = Signal()
