"""Seeders: the Baoshan organisation and a demo. Only seeders read `engine.seed.baoshan`."""
