# Sign a Windows executable with the charity's code-signing certificate, read from the
# environment: WINDOWS_CERTIFICATE_PFX_BASE64 (the .pfx file, base64) and
# WINDOWS_CERTIFICATE_PASSWORD. Without them the file is left unsigned and a warning is
# printed (the release workflow goes on: unsigned builds are fine for testing, but
# SmartScreen warns people who run them).
param([Parameter(Mandatory = $true)][string]$Path)
$ErrorActionPreference = 'Stop'

if (-not $env:WINDOWS_CERTIFICATE_PFX_BASE64 -or -not $env:WINDOWS_CERTIFICATE_PASSWORD) {
    Write-Host "::warning::WINDOWS_CERTIFICATE_PFX_BASE64/WINDOWS_CERTIFICATE_PASSWORD not set: $Path is NOT signed."
    exit 0
}
$signtool = Get-ChildItem "${env:ProgramFiles(x86)}\Windows Kits\10\bin\*\x64\signtool.exe" |
    Sort-Object FullName | Select-Object -Last 1
if (-not $signtool) { throw "signtool.exe not found (Windows SDK)" }
$pfx = Join-Path $env:RUNNER_TEMP "spoke-signing.pfx"
try {
    [IO.File]::WriteAllBytes($pfx, [Convert]::FromBase64String($env:WINDOWS_CERTIFICATE_PFX_BASE64))
    & $signtool.FullName sign /f $pfx /p $env:WINDOWS_CERTIFICATE_PASSWORD /fd SHA256 `
        /tr http://timestamp.digicert.com /td SHA256 /d Spoke $Path
    if ($LASTEXITCODE -ne 0) { throw "signtool failed on $Path" }
} finally {
    Remove-Item -Force -ErrorAction SilentlyContinue $pfx
}
