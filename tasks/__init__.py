"""Celery tasks: thin. Each loads a game, calls the domain in ``app``, saves atomically, publishes."""
