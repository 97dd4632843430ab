"""The training scripts run on Debian's own python3 with Debian's packages only.  When one
is missing, say which and how to install it, instead of a bare ImportError.

    import deps; deps.require()   # first thing in an entry script
"""
import importlib.util
import sys

# module -> the Debian 12 package that provides it
PACKAGES = {"numpy": "python3-numpy", "torch": "python3-torch", "cv2": "python3-opencv",
            "onnx": "python3-onnx"}


def require(modules=tuple(PACKAGES)):
    missing = [PACKAGES[m] for m in modules if importlib.util.find_spec(m) is None]
    if missing:
        hint = ("" if sys.executable == "/usr/bin/python3" else
                f" (this is {sys.executable}; the training uses Debian's /usr/bin/python3)")
        sys.exit(f"missing Debian packages{hint}: {' '.join(missing)}\n"
                 f"install them as root:  apt-get install {' '.join(missing)}")
