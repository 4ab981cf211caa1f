"""The demo meter: a single-phase electricity meter simulated on any runtime.

    meter.py   its objects, its simulated measurements, its associations
    main.py    puts it on the network (`microcosem serve` runs this)
"""
