"""The soak run's parts (bench/soak.py): its database, its processes, the receivers that count
side effects, the clients that drive lifecycles over HTTP, the chaos, and the end check."""
