# Regenerates the raw kernel32 and advapi32 bindings with jextract 22+ on Windows x64, into
# target\jextract\kernel32 and target\jextract\advapi32, to diff against the hand-written
# io.github.panamashm.internal.windows.Kernel32 and Advapi32 (see README.md here). jextract's clang finds the
# Windows SDK headers when Visual Studio (or its Build Tools) with the SDK is installed.
$ErrorActionPreference = 'Stop'
$here = $PSScriptRoot
if (-not (Get-Command jextract -ErrorAction SilentlyContinue)) {
    Write-Error 'jextract-windows.ps1: jextract is not on the PATH; get jextract 22 or newer from https://jdk.java.net/jextract/'
    exit 2
}
foreach ($lib in 'kernel32', 'advapi32') {
    $out = Join-Path $here "..\target\jextract\$lib"
    if (Test-Path $out) { Remove-Item -Recurse -Force $out }
    New-Item -ItemType Directory -Force $out | Out-Null
    & jextract --output $out "@$here\$lib\$lib.args" "$here\$lib\$lib.h"
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
    Write-Output "jextract-windows.ps1: generated $out"
}
Write-Output 'jextract-windows.ps1: now diff Kernel32.java and Advapi32.java there against src\main\java\io\github\panamashm\internal\windows'
