using OpenClaw.Server.Security;

namespace OpenClaw.Server.Api;

/// <summary>What a new password must be: long enough (<see cref="AuthOptions.MinPasswordLength"/>), not all one character.</summary>
internal static class PasswordRules
{
    public static void Check(JsonRequestBody body, string field, string password, AuthOptions options)
    {
        if (password.Length < options.MinPasswordLength) body.Error(field, $"Must be at least {options.MinPasswordLength} characters.");
        else if (password.Distinct().Count() < 4) body.Error(field, "Must not be made of so few different characters.");
    }
}
