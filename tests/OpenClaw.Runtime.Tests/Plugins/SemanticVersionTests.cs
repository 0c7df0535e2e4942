using OpenClaw.Runtime.Plugins.Packages;

namespace OpenClaw.Runtime.Tests.Plugins;

public sealed class SemanticVersionTests
{
    [Theory]
    [InlineData("1.0.0", 1, 0, 0, "")]
    [InlineData("0.12.345", 0, 12, 345, "")]
    [InlineData("2.0.0-rc.1+build.5", 2, 0, 0, "rc.1")]
    public void Parse_ValidVersion_ReadsItsParts(string text, int major, int minor, int patch, string prerelease)
    {
        var version = SemanticVersion.Parse(text);

        Assert.Equal((major, minor, patch, prerelease), (version.Major, version.Minor, version.Patch, version.Prerelease));
        Assert.Equal(text, version.ToString());
    }

    [Theory]
    [InlineData("1.0", "exactly three numbers")]
    [InlineData("v1.0.0", "not a number")]
    [InlineData("01.0.0", "leading zeros")]
    [InlineData("1.0.0-", "invalid pre-release")]
    [InlineData("1.0.0-01", "invalid pre-release")]
    [InlineData("1.0.0+", "invalid build metadata")]
    [InlineData("", "cannot be empty")]
    public void TryParse_InvalidVersion_SaysWhy(string text, string reason)
    {
        Assert.False(SemanticVersion.TryParse(text, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }

    [Fact]
    public void CompareTo_FollowsSemverPrecedence()
    {
        string[] ordered = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11", "1.0.0-rc.1", "1.0.0", "1.0.1", "1.1.0", "2.0.0", "10.0.0"];

        var shuffled = ordered.Reverse().Select(SemanticVersion.Parse).Order().Select(v => v.ToString());

        Assert.Equal(ordered, shuffled);
        Assert.Equal(SemanticVersion.Parse("1.0.0+a"), SemanticVersion.Parse("1.0.0+b"));
    }

    [Theory]
    [InlineData("1.2.3", "1.2.3", true)]
    [InlineData("1.2.3", "1.2.4", false)]
    [InlineData("=1.2.3", "1.2.3", true)]
    [InlineData("^1.2.3", "1.9.0", true)]
    [InlineData("^1.2.3", "1.2.2", false)]
    [InlineData("^1.2.3", "2.0.0", false)]
    [InlineData("^1.2.3", "2.0.0-beta", false)]
    [InlineData("^0.2.3", "0.2.9", true)]
    [InlineData("^0.2.3", "0.3.0", false)]
    [InlineData("^0.0.3", "0.0.4", false)]
    [InlineData("^1", "1.99.0", true)]
    [InlineData("~1.2.3", "1.2.9", true)]
    [InlineData("~1.2.3", "1.3.0", false)]
    [InlineData("~1", "1.5.0", true)]
    [InlineData(">=1.2.0 <2.0.0", "1.5.0", true)]
    [InlineData(">=1.2.0 <2.0.0", "2.0.0", false)]
    [InlineData(">= 1.2.0 < 2.0.0", "1.2.0", true)]
    [InlineData(">1.2", "1.3.0", true)]
    [InlineData(">1.2", "1.2.9", false)]
    [InlineData("<=1.2", "1.2.9", true)]
    [InlineData("<=1.2", "1.3.0", false)]
    [InlineData("<1.2", "1.1.9", true)]
    [InlineData("1.x", "1.4.2", true)]
    [InlineData("1.x", "2.0.0", false)]
    [InlineData("1.2.*", "1.2.7", true)]
    [InlineData("1.2", "1.3.0", false)]
    [InlineData("*", "0.0.1", true)]
    [InlineData("", "3.2.1", true)]
    [InlineData("*", "1.0.0-beta", false)]
    [InlineData("^1.0.0-beta", "1.0.0-beta.2", true)]
    [InlineData("^1.0.0-beta", "1.1.0-beta", false)]
    [InlineData("^1.0.0 || ^3.0.0", "3.1.0", true)]
    [InlineData("^1.0.0 || ^3.0.0", "2.1.0", false)]
    public void Range_IsSatisfiedBy_FollowsNpmSemantics(string range, string version, bool expected)
    {
        Assert.Equal(expected, VersionRange.Parse(range).IsSatisfiedBy(SemanticVersion.Parse(version)));
    }

    [Theory]
    [InlineData("^one")]
    [InlineData("1.x.3")]
    [InlineData(">=")]
    [InlineData("1.2.3.4")]
    [InlineData("^1.0.0 ||")]
    public void Range_TryParse_RefusesNonsense(string range)
    {
        Assert.False(VersionRange.TryParse(range, out _, out var error));
        Assert.NotEmpty(error);
    }

    [Fact]
    public void MaxSatisfying_PicksTheNewestInRange()
    {
        var versions = new[] { "1.0.0", "1.4.0", "2.0.0", "1.5.0-rc.1" }.Select(SemanticVersion.Parse);

        Assert.Equal("1.4.0", VersionRange.Parse("^1.0.0").MaxSatisfying(versions)?.ToString());
        Assert.Null(VersionRange.Parse("^3").MaxSatisfying(versions));
    }
}
