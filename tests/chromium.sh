# Sourced by the headless-Chromium tests: installs Debian's chromium if it is
# missing (about two minutes, first run only); without chromium and apt-get it
# skips the calling script, loudly, with exit 0.
if ! command -v chromium > /dev/null; then
  if command -v apt-get > /dev/null; then
    echo "installing Debian chromium (first run only)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium > /dev/null
  else
    echo "!!!!!!!! SKIPPED $0: no chromium and no apt-get to install it !!!!!!!!"
    exit 0
  fi
fi
