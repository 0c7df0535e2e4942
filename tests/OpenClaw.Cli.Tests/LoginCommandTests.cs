using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;
using OpenClaw.Cli.Tests.Infrastructure;
using OpenClaw.Core.Storage;
using OpenClaw.Server.Security;
using OpenClaw.Server.Tests.Infrastructure;

namespace OpenClaw.Cli.Tests;

/// <summary><c>openclaw login</c>, <c>--api-key</c> and what a server command does without credentials.</summary>
public sealed class LoginCommandTests(TestServer server) : IClassFixture<TestServer>
{
    private const string Password = "a long enough password";

    private string Url => server.BaseAddress.ToString();

    private async Task<UserRecord> CreateUserAsync()
    {
        var user = await server.CreateUserAsync("default", Roles.Viewer);
        var hasher = server.Services.GetRequiredService<PasswordHasher<UserRecord>>();
        return (await server.Services.GetRequiredService<IIdentityStore>().UpdateUserAsync(user with { PasswordHash = hasher.HashPassword(user, Password) }))!;
    }

    [Fact]
    public async Task ServerCommand_WithoutCredentials_Exits2With401AndHowToAuthenticate()
    {
        using var folder = new TempFolder();

        var result = await CliRunner.RunAsync("workflows", "list", "--server", Url, "--credentials", Path.Combine(folder.Path, "none.json"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("401", result.Err);
        Assert.Contains("--api-key", result.Err);
        Assert.Contains("openclaw login", result.Err);
    }

    [Fact]
    public async Task Login_StoresTheTokenReadableByTheOwnerOnly_AndServerCommandsUseIt()
    {
        var user = await CreateUserAsync();
        using var folder = new TempFolder();
        var credentials = Path.Combine(folder.Path, "config", "credentials.json");

        var login = await CliRunner.RunAsync("login", "--server", Url, "--username", user.Username, "--password", Password, "--credentials", credentials);
        var list = await CliRunner.RunAsync("workflows", "list", "--server", Url, "--credentials", credentials, "--json");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains(user.Username, login.Out);
        Assert.DoesNotContain(Password, File.ReadAllText(credentials));
        if (!OperatingSystem.IsWindows()) Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credentials));
        Assert.True(list.ExitCode == 0, list.ToString());
    }

    [Fact]
    public async Task Login_WrongPassword_Exits2WithTheServersDetail_AndStoresNothing()
    {
        var user = await CreateUserAsync();
        using var folder = new TempFolder();
        var credentials = Path.Combine(folder.Path, "credentials.json");

        var result = await CliRunner.RunAsync("login", "--server", Url, "--username", user.Username, "--password", "not the password", "--credentials", credentials);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("401", result.Err);
        Assert.False(File.Exists(credentials));
    }

    [Fact]
    public async Task ApiKeyOption_WithAKeyLackingTheScope_Exits2With403()
    {
        var key = await server.CreateApiKeyClientAsync(Permissions.ExecutionsRead);
        var token = key.DefaultRequestHeaders.Authorization!.Parameter!;
        using var folder = new TempFolder();

        var result = await CliRunner.RunAsync("workflows", "list", "--server", Url, "--api-key", token, "--credentials", Path.Combine(folder.Path, "none.json"));

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("403", result.Err);
    }
}
