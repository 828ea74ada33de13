@echo off
rem sso-env hook for cmd.exe, printed by `sso-env init cmd`.
rem Install: `sso-env init cmd --install` saves it as %USERPROFILE%\sso-env-hook.cmd and adds it
rem to cmd's AutoRun, keeping what else runs there (conda, Clink); --uninstall removes it again.
rem It defines the doskey macro {{cmd}} (switch this window to an AWS SSO profile; --clear
rem removes it) and puts the profile and the UTC time its credentials expire in the prompt:
rem cmd cannot count down, so the prompt shows the clock time instead.
rem From AutoRun (`autorun EXE`) it stays out of `cmd /c` shells (every `for /f` subshell, npm and
rem make tasks) as Clink does, and out of every shell while SSO_ENV_NOAUTORUN is set; EXE comes in
rem through AutoRun, whose UTF-16 carries any path (a batch file is read in the console code page).
if "%~1"=="use" goto :use
if not "%~1"=="autorun" goto :setup
if defined SSO_ENV_NOAUTORUN goto :eof
call :interactive
if errorlevel 1 goto :eof
if not "%~2"=="" set "SSO_ENV_HOOK_EXE=%~2"
:setup
doskey {{cmd}}=call "%~f0" use $* >nul 2>&1
if not defined SSO_ENV_BASE_PROMPT if defined PROMPT set "SSO_ENV_BASE_PROMPT=%PROMPT%"
if not defined SSO_ENV_BASE_PROMPT set "SSO_ENV_BASE_PROMPT=$P$G"
set "SSO_ENV_SHOW_PROMPT={{prompt}}"
goto :eof

:use
if "%~2"=="" (
    echo usage: {{cmd}} PROFILE ^| --clear 1>&2
    exit /b 2
)
rem A directory of our own, never one that exists (and mkdir fails if another window created it
rem just now): two windows opened in the same second draw the same %RANDOM% numbers.
set "SSO_ENV_HOOK_DIR="
for /l %%i in (1,1,50) do if not defined SSO_ENV_HOOK_DIR call :tempdir
if not defined SSO_ENV_HOOK_DIR (
    echo {{cmd}}: cannot create a directory in "%TEMP%" 1>&2
    exit /b 1
)
if "%~2"=="--clear" (
    call {{exe}} unset --format cmd > "%SSO_ENV_HOOK_DIR%\vars.cmd"
) else (
    call {{exe}} export --format cmd -- "%~2" > "%SSO_ENV_HOOK_DIR%\vars.cmd"
)
rem Applied only when sso-env succeeded (any code but 0, negative ones too, is a failure): a
rem failure leaves this window as it was.
if errorlevel 1 goto :failed
if not errorlevel 0 goto :failed
call "%SSO_ENV_HOOK_DIR%\vars.cmd"
rd /s /q "%SSO_ENV_HOOK_DIR%" >nul 2>&1
set "SSO_ENV_HOOK_DIR="
if not "%SSO_ENV_SHOW_PROMPT%"=="1" exit /b 0
if not defined SSO_ENV_PROFILE (
    set "PROMPT=%SSO_ENV_BASE_PROMPT%"
    exit /b 0
)
rem "(profile role until 14:05Z) ", each part only when there is one (static keys have no role
rem and no expiry); `$` is a PROMPT code ($G, $_), so a name's own is doubled.
set "SSO_ENV_HOOK_TRY=%SSO_ENV_PROFILE:$=$$%"
if defined SSO_ENV_ROLE_NAME set "SSO_ENV_HOOK_TRY=%SSO_ENV_HOOK_TRY% %SSO_ENV_ROLE_NAME:$=$$%"
if defined AWS_CREDENTIAL_EXPIRATION set "SSO_ENV_HOOK_TRY=%SSO_ENV_HOOK_TRY% until %AWS_CREDENTIAL_EXPIRATION:~11,5%Z"
set "PROMPT=(%SSO_ENV_HOOK_TRY%)$S%SSO_ENV_BASE_PROMPT%"
set "SSO_ENV_HOOK_TRY="
exit /b 0

rem Whether this cmd reads commands from its user (exit code 0): its command line (%CMDCMDLINE%)
rem has /k, or neither /c nor /r (as Clink tells). Delayed expansion reads the line as data,
rem quotes and & included.
:interactive
setlocal EnableDelayedExpansion
set "SSO_ENV_HOOK_LINE=!CMDCMDLINE!"
if not defined SSO_ENV_HOOK_LINE exit /b 0
if not "!SSO_ENV_HOOK_LINE:/k=!"=="!SSO_ENV_HOOK_LINE!" exit /b 0
if not "!SSO_ENV_HOOK_LINE:/c=!"=="!SSO_ENV_HOOK_LINE!" exit /b 1
if not "!SSO_ENV_HOOK_LINE:/r=!"=="!SSO_ENV_HOOK_LINE!" exit /b 1
exit /b 0

:tempdir
set "SSO_ENV_HOOK_TRY=%TEMP%\sso-env-%RANDOM%-%RANDOM%"
if not exist "%SSO_ENV_HOOK_TRY%" mkdir "%SSO_ENV_HOOK_TRY%" 2>nul && set "SSO_ENV_HOOK_DIR=%SSO_ENV_HOOK_TRY%"
set "SSO_ENV_HOOK_TRY="
exit /b 0

:failed
rd /s /q "%SSO_ENV_HOOK_DIR%" >nul 2>&1
set "SSO_ENV_HOOK_DIR="
exit /b 1
