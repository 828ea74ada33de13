# sso-env hook for PowerShell (Windows PowerShell 5.1 and pwsh 7), printed by `sso-env init powershell`.
# Install: add   sso-env init powershell | Out-String | Invoke-Expression   to your $PROFILE.
#
# Defines {{cmd}} (switch this session to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# Drawing the prompt starts no process.

$global:__SsoEnvExe = {{exe}}
$global:__SsoEnvPrompt = {{prompt}}
$global:__SsoEnvSegment = ''
$global:__SsoEnvLoginNeeded = $false
$global:__SsoEnvLastTry = 0

# Runs sso-env and applies its output only when it succeeded. Output is read as UTF-8 and
# joined with "`n", so values with line breaks stay whole.
function global:__SsoEnvApply {
    param([string[]]$Arguments)
    $encoding = [Console]::OutputEncoding
    try {
        [Console]::OutputEncoding = [Text.Encoding]::UTF8
        $lines = & $global:__SsoEnvExe @Arguments
        $code = $LASTEXITCODE
    } finally {
        [Console]::OutputEncoding = $encoding
    }
    if ($code -ne 0) { return $false }
    $script = [string]::Join("`n", @($lines))
    if ($script) { Invoke-Expression $script }
    return $true
}

function global:{{cmd}} {
    param([Parameter(Position = 0)][string]$Name, [switch]$Clear)
    if ($Clear -or $Name -eq '--clear') {
        [void](__SsoEnvApply @('unset', '--format', 'powershell'))
        __SsoEnvUpdate
        return
    }
    if (-not $Name) {
        $Name = & $global:__SsoEnvExe pick
        if ($LASTEXITCODE -ne 0 -or -not $Name) { return }
    }
    if (__SsoEnvApply @('export', '--format', 'powershell', '--', $Name)) {
        $global:__SsoEnvLoginNeeded = $false
    }
    __SsoEnvUpdate
}

# The segment for the active profile; refreshes credentials that are within 10 minutes of
# expiry, at most once a minute, never with an interactive login.
function global:__SsoEnvUpdate {
    $expires = 0L
    if (-not $env:SSO_ENV_PROFILE) {
        $global:__SsoEnvSegment = ''
        return
    }
    # Keys that do not expire (static keys, some processes): the profile, no countdown.
    if (-not [long]::TryParse("$env:SSO_ENV_EXPIRES_AT", [ref]$expires)) {
        $global:__SsoEnvSegment = "($env:SSO_ENV_PROFILE) "
        return
    }
    $now = [DateTimeOffset]::UtcNow.ToUnixTimeSeconds()
    $left = $expires - $now
    if ($left -lt {{warn_secs}} -and $env:SSO_ENV_AUTO_REFRESH -ne '0' -and ($now - $global:__SsoEnvLastTry) -ge {{retry_secs}}) {
        $global:__SsoEnvLastTry = $now
        if (__SsoEnvApply @('export', '--no-login', '--format', 'powershell', '--', $env:SSO_ENV_PROFILE)) {
            $global:__SsoEnvLoginNeeded = $false
            [void][long]::TryParse("$env:SSO_ENV_EXPIRES_AT", [ref]$expires)
            $left = $expires - $now
        } else {
            $global:__SsoEnvLoginNeeded = $true
        }
    }
    if ($left -le 0) { $when = 'expired' }
    elseif ($left -lt 60) { $when = "${left}s!" }
    elseif ($left -lt {{warn_secs}}) { $when = "$([math]::Floor($left / 60))m!" }
    elseif ($left -lt 3600) { $when = "$([math]::Floor($left / 60))m" }
    else { $when = '{0}h{1:00}m' -f [math]::Floor($left / 3600), [math]::Floor(($left % 3600) / 60) }
    if ($global:__SsoEnvLoginNeeded) { $when = "$when login-needed" }
    $global:__SsoEnvSegment = "($env:SSO_ENV_PROFILE $env:SSO_ENV_ROLE_NAME $when) "
}

# For a prompt of your own (with --no-prompt): call this where the segment should go.
function global:sso_env_prompt_segment {
    __SsoEnvUpdate
    $global:__SsoEnvSegment
}

# starship shows AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself: stay out of its way.
if ($global:__SsoEnvPrompt -and -not $env:STARSHIP_SHELL -and -not $global:__SsoEnvUserPrompt) {
    $global:__SsoEnvUserPrompt = $function:prompt
    function global:prompt {
        __SsoEnvUpdate
        $global:__SsoEnvSegment + (& $global:__SsoEnvUserPrompt)
    }
}

Register-ArgumentCompleter -CommandName '{{cmd}}' -ParameterName Name -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    & $global:__SsoEnvExe profiles --names 2>$null | Where-Object { $_.StartsWith($wordToComplete) } | ForEach-Object {
        [System.Management.Automation.CompletionResult]::new("'" + $_.Replace("'", "''") + "'", $_, 'ParameterValue', $_)
    }
}

# Opt-in key binding (sso-env init powershell --picker-key KEY, e.g. Ctrl+g): opens the picker.
$__SsoEnvKey = {{picker_key}}
if ($__SsoEnvKey -and (Get-Command Set-PSReadLineKeyHandler -ErrorAction SilentlyContinue)) {
    Set-PSReadLineKeyHandler -Chord $__SsoEnvKey -ScriptBlock {
        {{cmd}}
        [Microsoft.PowerShell.PSConsoleReadLine]::InvokePrompt()
    }
}
