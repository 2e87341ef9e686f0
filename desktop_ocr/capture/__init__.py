"""Screen grabbing and region geometry: platform handlers in a preference-ordered registry.

registry: choosing and running a handler (Qt); names: their names, without Qt; geometry: regions.
Nothing is imported here, so that `capture.names` stays free of Qt.
"""
