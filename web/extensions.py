"""Extension objects created once and attached to the app in ``create_app`` (``init_app``)."""

from flask_sock import Sock

sock = Sock()
