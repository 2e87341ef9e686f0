"""The Qt window: thin widgets over the engine, which runs on a worker QThread."""
