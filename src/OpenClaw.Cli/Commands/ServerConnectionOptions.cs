using System.CommandLine;

namespace OpenClaw.Cli.Commands;

/// <summary>The options every command that calls a server has: where it is and how to authenticate.</summary>
internal sealed class ServerConnectionOptions
{
    public Option<string> Server { get; } = ServerCall.ServerOption();

    public Option<string?> ApiKey { get; } = ServerCall.ApiKeyOption();

    public Option<string> Credentials { get; } = CredentialStore.Option();

    public void AddTo(Command command)
    {
        command.Options.Add(Server);
        command.Options.Add(ApiKey);
        command.Options.Add(Credentials);
    }

    public string GetServer(ParseResult parse) => parse.GetValue(Server)!;

    /// <summary>The API key if given, else the login token stored for the server.</summary>
    public ServerAuth GetAuth(ParseResult parse) => new(parse.GetValue(ApiKey), parse.GetValue(Credentials)!);
}
