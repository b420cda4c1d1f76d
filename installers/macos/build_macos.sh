#!/usr/bin/env bash
# macOS: build Spoke.app from installers/spoke.spec, smoke-test it offscreen, sign it, put it
# in a .dmg (Spoke.app beside a link to /Applications: drag to install) and notarise that.
# Run from anywhere on a Mac with the project installed from requirements/lock.txt:
#     bash installers/macos/build_macos.sh            -> dist/Spoke-VERSION.dmg
# Signing needs MACOS_SIGN_IDENTITY (e.g. "Developer ID Application: Charity (TEAMID)"), and,
# on a build machine without that identity in its keychain, MACOS_CERTIFICATE_P12_BASE64 and
# MACOS_CERTIFICATE_PASSWORD; notarising needs APPLE_ID, APPLE_TEAM_ID and APPLE_APP_PASSWORD
# (an app-specific password). Each step is skipped with a warning when its secrets are absent.
set -euo pipefail
cd "$(dirname "$0")/../.."
PYTHON=${PYTHON:-python}
VERSION=$("$PYTHON" -c "import tomllib; print(tomllib.load(open('pyproject.toml', 'rb'))['project']['version'])")
APP=dist/Spoke.app
DMG=dist/Spoke-$VERSION.dmg
warn() { echo "::warning::$*"; }

"$PYTHON" -m PyInstaller --noconfirm --distpath dist --workpath build/pyinstaller installers/spoke.spec

# Smoke test: the frozen app unlocks the demo casebook through its real window, offscreen.
smoke=$(mktemp -d)
QT_QPA_PLATFORM=offscreen "$APP/Contents/MacOS/spoke" demo --profile "$smoke/demo" --check-unlock
rm -rf "$smoke"

signed=no
if [ -n "${MACOS_SIGN_IDENTITY:-}" ]; then
  if [ -n "${MACOS_CERTIFICATE_P12_BASE64:-}" ]; then
    keychain=$(mktemp -d)/spoke-signing.keychain-db
    keychain_password=$(uuidgen)
    security create-keychain -p "$keychain_password" "$keychain"
    security set-keychain-settings -lut 3600 "$keychain"
    security unlock-keychain -p "$keychain_password" "$keychain"
    p12=$(mktemp)
    echo "$MACOS_CERTIFICATE_P12_BASE64" | base64 --decode > "$p12"
    security import "$p12" -k "$keychain" -P "${MACOS_CERTIFICATE_PASSWORD:-}" -T /usr/bin/codesign
    rm -f "$p12"
    security set-key-partition-list -S apple-tool:,apple: -s -k "$keychain_password" "$keychain"
    existing=()
    while IFS= read -r line; do existing+=("$(echo "$line" | tr -d ' "')"); done \
      < <(security list-keychains -d user)
    security list-keychains -d user -s "$keychain" "${existing[@]}"
  fi
  # Hardened runtime (notarisation requires it) with the entitlements an embedded Python needs.
  codesign --force --deep --timestamp --options runtime \
    --entitlements installers/macos/entitlements.plist --sign "$MACOS_SIGN_IDENTITY" "$APP"
  codesign --verify --deep --strict "$APP"
  signed=yes
else
  warn "MACOS_SIGN_IDENTITY not set: Spoke.app is NOT signed (Gatekeeper asks people to allow it)."
fi

# The .dmg: Spoke.app and a link to /Applications in one window.
stage=$(mktemp -d)
cp -R "$APP" "$stage/"
ln -s /Applications "$stage/Applications"
rm -f "$DMG"
hdiutil create -volname "Spoke $VERSION" -srcfolder "$stage" -fs HFS+ -format UDZO -ov "$DMG"
rm -rf "$stage"
if [ "$signed" = yes ]; then
  codesign --force --timestamp --sign "$MACOS_SIGN_IDENTITY" "$DMG"
fi

if [ "$signed" = yes ] && [ -n "${APPLE_ID:-}" ] && [ -n "${APPLE_TEAM_ID:-}" ] \
    && [ -n "${APPLE_APP_PASSWORD:-}" ]; then
  xcrun notarytool submit "$DMG" --apple-id "$APPLE_ID" --team-id "$APPLE_TEAM_ID" \
    --password "$APPLE_APP_PASSWORD" --wait
  xcrun stapler staple "$DMG"
else
  warn "Notarisation skipped (needs a signed app and APPLE_ID, APPLE_TEAM_ID, APPLE_APP_PASSWORD)."
fi
echo "Built $DMG"
