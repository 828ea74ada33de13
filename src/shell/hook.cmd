@echo off
rem sso-env hook for cmd.exe, printed by `sso-env init cmd`.
rem Install: save it and run it in every new cmd window through AutoRun:
rem   sso-env init cmd > "%USERPROFILE%\sso-env-hook.cmd"
rem   reg add "HKCU\Software\Microsoft\Command Processor" /v AutoRun /t REG_EXPAND_SZ /d "\"%USERPROFILE%\sso-env-hook.cmd\"" /f
rem It defines the doskey macro {{cmd}} (switch this window to an AWS SSO profile; --clear
rem removes it) and puts the profile and the UTC time its credentials expire in the prompt:
rem cmd cannot count down, so the prompt shows the clock time instead.
if "%~1"=="use" goto :use
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
set "SSO_ENV_HOOK_OUT=%TEMP%\sso-env-%RANDOM%%RANDOM%.cmd"
if "%~2"=="--clear" (
    call {{exe}} unset --format cmd > "%SSO_ENV_HOOK_OUT%"
) else (
    call {{exe}} export --format cmd -- "%~2" > "%SSO_ENV_HOOK_OUT%"
)
rem Applied only when sso-env succeeded: a failure leaves this window as it was.
if errorlevel 1 (
    del "%SSO_ENV_HOOK_OUT%" >nul 2>&1
    set "SSO_ENV_HOOK_OUT="
    exit /b 1
)
call "%SSO_ENV_HOOK_OUT%"
del "%SSO_ENV_HOOK_OUT%" >nul 2>&1
set "SSO_ENV_HOOK_OUT="
if not "%SSO_ENV_SHOW_PROMPT%"=="1" exit /b 0
if defined SSO_ENV_PROFILE (
    set "PROMPT=(%SSO_ENV_PROFILE% %SSO_ENV_ROLE_NAME% until %AWS_CREDENTIAL_EXPIRATION:~11,5%Z)$S%SSO_ENV_BASE_PROMPT%"
) else (
    set "PROMPT=%SSO_ENV_BASE_PROMPT%"
)
exit /b 0
