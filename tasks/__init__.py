"""Celery tasks: thin. Each loads a game, calls the domain in ``app``, saves atomically, publishes.

Workers import every task module named in ``app.celery_app.TASK_MODULES``.
"""
