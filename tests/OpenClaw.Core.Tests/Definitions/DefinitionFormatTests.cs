using OpenClaw.Core.Definitions;

namespace OpenClaw.Core.Tests.Definitions;

public class DefinitionFormatTests
{
    [Theory]
    [InlineData("flows/order.json", DefinitionFormat.Json)]
    [InlineData("ORDER.JSON", DefinitionFormat.Json)]
    [InlineData("order.yaml", DefinitionFormat.Yaml)]
    [InlineData("order.yml", DefinitionFormat.Yaml)]
    [InlineData("  {\"id\": \"x\"}", DefinitionFormat.Json)]
    [InlineData("\n\t[1]", DefinitionFormat.Json)]
    [InlineData("id: x\nname: X\n", DefinitionFormat.Yaml)]
    [InlineData("# comment\nid: x", DefinitionFormat.Yaml)]
    [InlineData("", DefinitionFormat.Yaml)]
    public void DetectFormat_UsesExtensionThenFirstCharacter(string input, DefinitionFormat expected) =>
        Assert.Equal(expected, WorkflowDefinitionParser.DetectFormat(input));
}
