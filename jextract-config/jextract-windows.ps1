# Regenerates the raw kernel32 bindings with jextract 22+ on Windows x64, into target\jextract\kernel32, to diff
# against the hand-written io.github.panamashm.internal.windows.Kernel32 (see README.md here). jextract's clang
# finds the Windows SDK headers when Visual Studio (or its Build Tools) with the SDK is installed.
$ErrorActionPreference = 'Stop'
$here = $PSScriptRoot
$out = Join-Path $here '..\target\jextract\kernel32'
if (-not (Get-Command jextract -ErrorAction SilentlyContinue)) {
    Write-Error 'jextract-windows.ps1: jextract is not on the PATH; get jextract 22 or newer from https://jdk.java.net/jextract/'
    exit 2
}
if (Test-Path $out) { Remove-Item -Recurse -Force $out }
New-Item -ItemType Directory -Force $out | Out-Null
& jextract --output $out "@$here\kernel32\kernel32.args" "$here\kernel32\kernel32.h"
if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
Write-Output "jextract-windows.ps1: generated $out; now: diff its Kernel32.java against src\main\java\io\github\panamashm\internal\windows\Kernel32.java"
