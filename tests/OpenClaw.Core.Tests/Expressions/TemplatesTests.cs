using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Expressions;

namespace OpenClaw.Core.Tests.Expressions;

public class TemplatesTests
{
    private static ExpressionValue Render(string template) => Template.Parse(template).Evaluate(Eval.Context());

    private static JsonElement Config(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    [Fact]
    public void Text_without_expressions_is_literal_and_returned_unchanged()
    {
        var template = Template.Parse("plain text with { braces } and $ signs");
        Assert.True(template.IsLiteral);
        Assert.Empty(template.Expressions);
        Assert.Equal("plain text with { braces } and $ signs", template.Evaluate(Eval.Context()).GetString());
    }

    [Fact]
    public void Interpolation_splices_values_into_the_text()
    {
        var template = Template.Parse("Hello ${{ inputs.name }}! You have ${{inputs.count}} items.");
        Assert.False(template.IsLiteral);
        Assert.Equal(2, template.Expressions.Count);
        Assert.Equal("Hello Ada! You have 3 items.", template.Evaluate(Eval.Context()).GetString());
    }

    [Fact]
    public void Interpolation_writes_null_as_empty_and_collections_as_compact_json()
    {
        Assert.Equal("[] [\"a\",\"b\",\"c\"] {\"a\":1,\"b\":[1,2]} true 2.5", Render("[${{ inputs.nope }}] ${{ inputs.tags }} ${{ vars.obj }} ${{ inputs.enabled }} ${{ inputs.price }}").GetString());
    }

    [Fact]
    public void A_single_expression_keeps_its_type()
    {
        Assert.Equal(ExpressionValueKind.Array, Render("${{ inputs.tags }}").Kind);
        Assert.Equal(ExpressionValueKind.Number, Render("${{ inputs.count }}").Kind);
        Assert.Equal(ExpressionValueKind.Boolean, Render("${{ inputs.enabled }}").Kind);
        Assert.True(Render("${{ inputs.nope }}").IsNull);
        Assert.Equal(ExpressionValueKind.Object, Render("  ${{ vars.obj }}\n").Kind);
    }

    [Fact]
    public void Two_expressions_or_surrounding_text_make_a_string()
    {
        Assert.Equal("33", Render("${{ inputs.count }}${{ inputs.count }}").GetString());
        Assert.Equal("n=3", Render("n=${{ inputs.count }}").GetString());
    }

    [Fact]
    public void Braces_inside_strings_and_object_literals_do_not_close_the_block()
    {
        Assert.Equal("x}}y", Render("${{ 'x}}y' }}").GetString());
        Assert.Equal("{\"a\":{\"b\":1}}", Render("${{ {a: {b: 1}} }}").ToJsonString());
        Assert.Equal("{\"a\":{\"b\":1}}", Render("${{ {a: {b: 1}}}}").ToJsonString());
        Assert.Equal("{} and }", Render("${{ {} }} and }").GetString());
        Assert.Equal("{x}", Render("${{ format('{{{0}}}', 'x') }}").GetString());
    }

    [Fact]
    public void A_literal_marker_can_be_written_as_a_string_expression() =>
        Assert.Equal("use ${{ x }} here", Render("use ${{ '${{' }} x }} here").GetString());

    [Fact]
    public void Embedded_expression_knows_its_body_and_column()
    {
        var template = Template.Parse("ab ${{  steps.fetch.output  }} cd");
        var expression = Assert.Single(template.Expressions);
        Assert.Equal("steps.fetch.output", expression.Source);
        Assert.Equal(4, expression.Column);
        Assert.Equal(["fetch"], expression.ReferencedSteps);
    }

    [Fact]
    public void Syntax_error_columns_count_from_the_start_of_the_whole_text()
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse("Hello ${{ inputs.name + }} and more"));
        Assert.Equal("expected an expression but found '}}' at column 25", error.Message);
        Assert.Equal("Hello ${{ inputs.name + }} and more", error.Text);
    }

    [Fact]
    public void Unknown_function_in_a_template_is_reported_at_its_name()
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse("x ${{ 1 }} ${{ frobnicate(1) }}"));
        Assert.Equal("unknown function 'frobnicate' at column 16", error.Message);
    }

    [Fact]
    public void Unterminated_block_points_at_its_opening_marker()
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse("abc ${{ inputs.name"));
        Assert.Equal("unterminated expression (missing '}}') starting at column 5", error.Message);
    }

    [Theory]
    [InlineData("${{ }}", "expression is empty", 5)]
    [InlineData("${{ a b }}", "expected '}}' but found 'b'", 7)]
    [InlineData("${{ 'open }}", "unterminated string starting", 5)]
    public void Malformed_blocks_are_rejected(string text, string reason, int column)
    {
        var error = Assert.Throws<ExpressionException>(() => Template.Parse(text));
        Assert.Equal(reason, error.Reason);
        Assert.Equal(column, error.Column);
    }

    [Fact]
    public void Evaluation_error_columns_count_from_the_start_of_the_whole_text()
    {
        var template = Template.Parse("Total: ${{ inputs.count + nope }}");
        var error = Assert.Throws<ExpressionException>(() => template.Evaluate(Eval.Context()));
        Assert.Equal("unknown context 'nope' at column 27", error.Message);
        Assert.Equal(template.Text, error.Text);
    }

    [Fact]
    public void Resolve_evaluates_every_string_in_nested_objects_and_arrays()
    {
        var config = Config("""
            {
              "url": "https://api/${{ inputs.name }}/items",
              "count": "${{ inputs.count }}",
              "tags": "${{ inputs.tags }}",
              "literal": "no templates",
              "number": 1.50,
              "big": 12345678901234567890,
              "flag": false,
              "nothing": null,
              "${{ keys.are.not.templated }}": 1,
              "nested": { "list": [ "${{ loop.index }}", { "deep": "${{ steps.fetch.output.body.items[0] }}" }, 7 ] }
            }
            """);
        var resolved = TemplateResolver.Resolve(config, Eval.Context());
        Assert.Equal(
            """{"url":"https://api/Ada/items","count":3,"tags":["a","b","c"],"literal":"no templates","number":1.50,"big":12345678901234567890,"flag":false,"nothing":null,"${{ keys.are.not.templated }}":1,"nested":{"list":[2,{"deep":{"id":1}},7]}}""",
            resolved!.ToJsonString());
    }

    [Fact]
    public void Resolve_returns_a_tree_that_outlives_its_sources_and_can_be_attached_elsewhere()
    {
        JsonNode? resolved;
        JsonNode? converted;
        using (var data = JsonDocument.Parse("""{ "steps": { "a": { "output": { "x": { "y": [1, "two"] } } } } }"""))
        {
            var context = new TestContext().With("steps", ExpressionValue.From(data.RootElement.GetProperty("steps")));
            resolved = TemplateResolver.Resolve(Config("""{ "value": "${{ steps.a.output.x }}" }"""), context);
            converted = Expression.Parse("steps.a.output.x.y").Evaluate(context).ToJsonNode();
        }

        var host = new JsonObject { ["resolved"] = resolved, ["converted"] = converted };
        Assert.Equal("""{"resolved":{"value":{"y":[1,"two"]}},"converted":[1,"two"]}""", host.ToJsonString());
    }

    [Fact]
    public void Resolve_copies_json_node_values_instead_of_reparenting_them()
    {
        var node = JsonNode.Parse("""{ "items": [1, 2] }""")!;
        var context = new TestContext().With("vars", ExpressionValue.From(node));
        var resolved = TemplateResolver.Resolve(Config("""{ "a": "${{ vars }}", "b": "${{ vars.items }}" }"""), context)!;
        resolved["a"]!["items"]!.AsArray().Add(3);
        Assert.Equal("""{"items":[1,2]}""", node.ToJsonString());
        Assert.Equal("""{"a":{"items":[1,2,3]},"b":[1,2]}""", resolved.ToJsonString());
    }

    [Fact]
    public void Resolve_of_a_top_level_string_or_scalar_works()
    {
        Assert.Equal("3", TemplateResolver.Resolve(Config("\"${{ inputs.count }}\""), Eval.Context())!.ToJsonString());
        Assert.Equal("5", TemplateResolver.Resolve(Config("5"), Eval.Context())!.ToJsonString());
        Assert.Null(TemplateResolver.Resolve(Config("null"), Eval.Context()));
        Assert.Null(TemplateResolver.Resolve(Config("\"${{ inputs.nope }}\""), Eval.Context()));
    }

    [Fact]
    public void Resolve_errors_name_the_json_path_of_the_failing_string()
    {
        var config = Config("""{ "a": { "list": [ "ok", "${{ 1 / 0 }}" ] } }""");
        var error = Assert.Throws<ExpressionException>(() => TemplateResolver.Resolve(config, Eval.Context()));
        Assert.Equal("$.a.list[1]", error.Path);
        Assert.Equal("division by zero at column 7 in $.a.list[1]", error.Message);
        Assert.Equal("${{ 1 / 0 }}", error.Text);
    }

    [Fact]
    public void Resolve_errors_quote_unusual_keys_in_the_path()
    {
        var config = Config("""{ "odd key": { "it's": "${{ nope }}" } }""");
        var error = Assert.Throws<ExpressionException>(() => TemplateResolver.Resolve(config, Eval.Context()));
        Assert.Equal("$['odd key']['it\\'s']", error.Path);
    }

    [Fact]
    public void Resolve_reports_syntax_errors_with_their_path()
    {
        var error = Assert.Throws<ExpressionException>(() => TemplateResolver.Resolve(Config("""{ "x": "${{ nope( }}" }"""), Eval.Context()));
        Assert.Equal("$.x", error.Path);
        Assert.Equal("unknown function 'nope'", error.Reason);
    }

    [Fact]
    public void Resolve_with_a_cache_parses_each_distinct_string_once()
    {
        var cache = new ExpressionCache();
        var config = Config("""{ "a": "${{ inputs.count }}", "b": "${{ inputs.count }}", "c": "x ${{ inputs.name }}", "d": "literal" }""");
        var first = TemplateResolver.Resolve(config, Eval.Context(), cache)!.ToJsonString();
        var second = TemplateResolver.Resolve(config, Eval.Context(), cache)!.ToJsonString();
        Assert.Equal(first, second);
        Assert.Equal("""{"a":3,"b":3,"c":"x Ada","d":"literal"}""", first);
        Assert.Equal(2, cache.Count);
    }

    [Fact]
    public void Scan_finds_templates_and_collects_syntax_errors_with_paths()
    {
        var config = Config("""
            {
              "url": "https://x/${{ inputs.id }}",
              "plain": "no template",
              "list": [ "a", "${{ steps.fetch.output }}", { "bad": "${{ 1 + }}" } ],
              "odd key": "${{ unknownFn() }}",
              "n": 5
            }
            """);
        var found = TemplateResolver.Scan(config, "$.steps[0].config");

        Assert.Equal(["$.steps[0].config.url", "$.steps[0].config.list[1]", "$.steps[0].config.list[2].bad", "$.steps[0].config['odd key']"], found.Select(f => f.Path));
        Assert.NotNull(found[0].Template);
        Assert.Null(found[0].Error);
        Assert.Equal(["fetch"], found[1].Template!.Expressions[0].ReferencedSteps);

        var syntax = found[2];
        Assert.Null(syntax.Template);
        Assert.Equal("expected an expression but found '}}' at column 9 in $.steps[0].config.list[2].bad", syntax.Error!.Message);
        Assert.Equal("$.steps[0].config.list[2].bad", syntax.Error.Path);
        Assert.Equal("unknown function 'unknownFn'", found[3].Error!.Reason);
    }

    [Fact]
    public void Scan_of_a_config_without_templates_is_empty() =>
        Assert.Empty(TemplateResolver.Scan(Config("""{ "a": ["b", 1, { "c": "d" }] }"""), "$"));

    [Fact]
    public void Template_evaluation_can_use_explicit_limits()
    {
        var template = Template.Parse("${{ join(vars.list, '') }}");
        var error = Assert.Throws<ExpressionException>(() => template.Evaluate(Eval.Context(), ExpressionLimits.Default with { MaxStringLength = 2 }));
        Assert.Equal("result string exceeds 2 characters", error.Reason);
    }
}
