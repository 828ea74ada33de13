# sso-env hook for PowerShell (Windows PowerShell 5.1 and pwsh 7), printed by `sso-env init powershell`.
# Install: add   sso-env init powershell | Out-String | Invoke-Expression   to your $PROFILE.
#
# Defines {{cmd}} (switch this session to an AWS SSO profile), completion of profile names,
# a prompt segment "profile role 52m" and auto-refresh of credentials close to expiry.
# Drawing the prompt starts no process. Works under Set-StrictMode -Version Latest: a global
# is read only after this hook set it, or through Get-Variable.

$global:__SsoEnvExe = {{exe}}
$global:__SsoEnvPrompt = {{prompt}}
$global:__SsoEnvSegment = ''
$global:__SsoEnvLoginNeeded = $false
$global:__SsoEnvLastTry = 0

# Every call of sso-env goes through here, its output read as UTF-8 whatever the console's
# code page (profile names from `pick` and `profiles --names` may be non-ASCII). -Quiet drops
# its stderr. $LASTEXITCODE is sso-env's exit code afterwards.
function global:__SsoEnvBin {
    param([string[]]$Arguments, [switch]$Quiet)
    $encoding = [Console]::OutputEncoding
    try {
        [Console]::OutputEncoding = [System.Text.UTF8Encoding]::new($false)
        if ($Quiet) { & $global:__SsoEnvExe @Arguments 2>$null } else { & $global:__SsoEnvExe @Arguments }
    } finally {
        [Console]::OutputEncoding = $encoding
    }
}

# Runs sso-env and applies its output only when it succeeded.
function global:__SsoEnvApply {
    param([string[]]$Arguments)
    $lines = __SsoEnvBin $Arguments
    if ($LASTEXITCODE -ne 0) { return $false }
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
        $Name = __SsoEnvBin @('pick')
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

# Puts back the $LASTEXITCODE the last command left (or its absence), which a refresh changed.
function global:__SsoEnvRestoreExitCode {
    param([bool]$Had, $Code)
    if ($Had) { $global:LASTEXITCODE = $Code }
    elseif (Get-Variable LASTEXITCODE -Scope Global -ErrorAction Ignore) { Remove-Variable LASTEXITCODE -Scope Global }
}

# The prompt: the segment, then the prompt there was. What the last command left in $? and
# $LASTEXITCODE is saved first and restored for that prompt (posh-git and oh-my-posh show a
# failure from them) and again last, for the next command line. $? cannot be assigned: the
# statement just before sets it, as starship.ps1 does.
# starship shows AWS_PROFILE and AWS_CREDENTIAL_EXPIRATION itself: stay out of its way (known by
# its prompt function; STARSHIP_SHELL is inherited by shells without it).
$global:__SsoEnvUserPrompt = Get-Variable __SsoEnvUserPrompt -Scope Global -ValueOnly -ErrorAction Ignore
if ($global:__SsoEnvPrompt -and -not ("$function:prompt" -match 'starship') -and -not $global:__SsoEnvUserPrompt) {
    $global:__SsoEnvUserPrompt = $function:prompt
    function global:prompt {
        $ok = $global:?
        $had = $null -ne (Get-Variable LASTEXITCODE -Scope Global -ErrorAction Ignore)
        $code = Get-Variable LASTEXITCODE -Scope Global -ValueOnly -ErrorAction Ignore
        __SsoEnvUpdate
        __SsoEnvRestoreExitCode $had $code
        if ($ok) { $null = $ok } else { Write-Error '' -ErrorAction Ignore }
        $text = $global:__SsoEnvSegment + (& $global:__SsoEnvUserPrompt)
        $text
        __SsoEnvRestoreExitCode $had $code
        if ($ok) { $null = $ok } else { Write-Error '' -ErrorAction Ignore }
    }
}

# starship calls Invoke-Starship-PreCommand before each prompt, whether it was loaded before
# this hook or after it (replacing the prompt above): chain into it, keeping one that is already
# defined, so that auto-refresh keeps running under starship.
if (-not (Get-Variable __SsoEnvStarshipPre -Scope Global -ErrorAction Ignore)) {
    $global:__SsoEnvStarshipPre = $null
    if (Test-Path function:Invoke-Starship-PreCommand) {
        $global:__SsoEnvStarshipPre = (Get-Item function:Invoke-Starship-PreCommand).ScriptBlock
    }
    function global:Invoke-Starship-PreCommand {
        if ($global:__SsoEnvStarshipPre) { & $global:__SsoEnvStarshipPre }
        __SsoEnvUpdate
    }
}

Register-ArgumentCompleter -CommandName '{{cmd}}' -ParameterName Name -ScriptBlock {
    param($commandName, $parameterName, $wordToComplete, $commandAst, $fakeBoundParameters)
    __SsoEnvBin @('profiles', '--names') -Quiet | Where-Object { $_.StartsWith($wordToComplete) } | ForEach-Object {
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
