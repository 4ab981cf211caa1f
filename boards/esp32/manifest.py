# Freeze microcosem into a MicroPython firmware for this board:
#
#   cd micropython/ports/esp32
#   MICROCOSEM_CONFIG=meter-ln-min make BOARD=ESP32_GENERIC FROZEN_MANIFEST=/abs/path/to/microcosem/boards/esp32/manifest.py
#
# The build configuration (the module lists of boards/configs.py: meter-ln-min,
# meter-full, concentrator, portable) comes from include(..., config="name") in
# an outer manifest, else from the environment variable MICROCOSEM_CONFIG, else
# meter-ln-min.  Frozen modules run from flash; main.py and config.json stay on
# the board's filesystem (tools/build_firmware.py --deploy copies them), and a
# pins.py there overrides the frozen one.

import os

include("$(PORT_DIR)/boards/manifest.py")

# manifest files run with their own folder as the working directory
_configs = {}
with open("../configs.py") as _f:
    exec(_f.read(), _configs)
_config = options.config or os.environ.get("MICROCOSEM_CONFIG", "meter-ln-min")

package("microcosem", files=_configs["package_files"](_config, "../../firmware", "esp32"),
        base_path="../../firmware", opt=3)
module("pins.py", opt=3)
