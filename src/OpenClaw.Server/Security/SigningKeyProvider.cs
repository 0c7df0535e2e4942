using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenClaw.Core.Storage;

namespace OpenClaw.Server.Security;

/// <summary>
/// The key access tokens are signed with: <c>OpenClaw:Auth:SigningKey</c> when set, else one stored in the database (the
/// first node to start creates it; the others read the same row), so a token issued by one API node is accepted by all.
/// </summary>
internal sealed class SigningKeyProvider(IOptions<AuthOptions> options, IIdentityStore store, TimeProvider time)
{
    public const string ServerKeyName = "jwt-signing-key";

    private SymmetricSecurityKey? _key;

    public SymmetricSecurityKey Key => _key ?? throw new InvalidOperationException("The signing key is loaded when the server starts.");

    public async Task LoadAsync(CancellationToken cancellationToken)
    {
        var configured = options.Value.SigningKey;
        var text = configured ?? await store.GetOrAddServerKeyAsync(
            ServerKeyName, Convert.ToBase64String(RandomNumberGenerator.GetBytes(64)), time.GetUtcNow(), cancellationToken);
        _key = new SymmetricSecurityKey(Encoding.UTF8.GetBytes(text)) { KeyId = ApiKeyFormat.Hash(text)[..16] };
    }
}
