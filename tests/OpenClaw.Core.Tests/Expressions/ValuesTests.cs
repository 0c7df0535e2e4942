using System.Text.Json;
using System.Text.Json.Nodes;
using OpenClaw.Core.Expressions;

namespace OpenClaw.Core.Tests.Expressions;

public class ValuesTests
{
    [Fact]
    public void Default_value_is_null()
    {
        var value = default(ExpressionValue);
        Assert.True(value.IsNull);
        Assert.Equal(ExpressionValueKind.Null, value.Kind);
        Assert.Null(value.ToJsonNode());
        Assert.Equal("", value.ToString());
    }

    [Fact]
    public void Clr_values_have_the_expected_kinds()
    {
        Assert.Equal(ExpressionValueKind.Boolean, ExpressionValue.From(true).Kind);
        Assert.Equal(ExpressionValueKind.Number, ExpressionValue.From(5).Kind);
        Assert.Equal(ExpressionValueKind.Number, ExpressionValue.From(2.5).Kind);
        Assert.Equal(ExpressionValueKind.String, ExpressionValue.From("s").Kind);
        Assert.True(ExpressionValue.From((string?)null).IsNull);
        Assert.True(ExpressionValue.From((IExpressionObject?)null).IsNull);
        Assert.Equal(ExpressionValueKind.Array, ExpressionValue.FromArray([ExpressionValue.From(1)]).Kind);
        Assert.Equal(ExpressionValueKind.Object, ExpressionValue.From(new OpaqueObject()).Kind);
    }

    [Fact]
    public void Json_elements_are_read_in_place()
    {
        using var document = JsonDocument.Parse("""{ "a": [1, 2.5, "s", true, null, {"k": "v"}] }""");
        var value = ExpressionValue.From(document.RootElement);
        Assert.True(value.TryGetMember("a", out var array));
        Assert.Equal(6, array.GetArrayLength());
        Assert.True(array.GetArrayElement(0).IsExactInteger);
        Assert.Equal(2.5, array.GetArrayElement(1).GetDouble());
        Assert.Equal("s", array.GetArrayElement(2).GetString());
        Assert.True(array.GetArrayElement(3).GetBoolean());
        Assert.True(array.GetArrayElement(4).IsNull);
        Assert.Equal(["k"], array.GetArrayElement(5).EnumerateObject().Select(m => m.Key));
        Assert.False(value.TryGetMember("b", out _));
        Assert.True(ExpressionValue.From(default(JsonElement)).IsNull);
    }

    [Fact]
    public void Json_nodes_of_any_clr_type_are_read()
    {
        var node = new JsonObject
        {
            ["int"] = 5,
            ["long"] = 6L,
            ["double"] = 1.5,
            ["decimal"] = 2.25m,
            ["string"] = "s",
            ["bool"] = false,
            ["guid"] = JsonValue.Create(Guid.Empty),
            ["array"] = new JsonArray(1, "x"),
            ["null"] = null,
        };
        var value = ExpressionValue.From(node);
        Assert.Equal("""{"int":5,"long":6,"double":1.5,"decimal":2.25,"string":"s","bool":false,"guid":"00000000-0000-0000-0000-000000000000","array":[1,"x"],"null":null}""", value.ToJsonString());
        Assert.True(value.TryGetMember("int", out var five) && five.IsExactInteger);
        Assert.True(value.TryGetMember("null", out var nothing) && nothing.IsNull);
        Assert.True(ExpressionValue.From((JsonNode?)null).IsNull);
    }

    [Fact]
    public void ToJsonNode_returns_an_unowned_copy()
    {
        var source = JsonNode.Parse("""{ "a": [1, { "b": 2 }] }""")!;
        var copy = ExpressionValue.From(source).ToJsonNode()!;
        Assert.Null(copy.Parent);
        new JsonObject { ["attached"] = copy };
        copy["a"]!.AsArray().Add(3);
        Assert.Equal("""{"a":[1,{"b":2}]}""", source.ToJsonString());
    }

    [Fact]
    public void ToJsonElement_returns_an_independent_element()
    {
        JsonElement element;
        using (var document = JsonDocument.Parse("""{ "a": { "b": [1, 2] } }"""))
        {
            ExpressionValue.From(document.RootElement).TryGetMember("a", out var a);
            element = a.ToJsonElement();
        }

        Assert.Equal("""{"b":[1,2]}""", element.GetRawText().Replace(" ", "", StringComparison.Ordinal));
        Assert.Equal(JsonValueKind.Array, ExpressionValue.FromArray([ExpressionValue.From("x")]).ToJsonElement().ValueKind);
        Assert.Equal(42, ExpressionValue.From(42).ToJsonElement().GetInt32());
    }

    [Fact]
    public void ToString_gives_the_template_text()
    {
        Assert.Equal("true", ExpressionValue.True.ToString());
        Assert.Equal("12", ExpressionValue.From(12).ToString());
        Assert.Equal("0.5", ExpressionValue.From(0.5).ToString());
        Assert.Equal("[\"a\"]", ExpressionValue.FromArray([ExpressionValue.From("a")]).ToString());
        Assert.Equal("<object>", ExpressionValue.From(new OpaqueObject()).ToString());
    }

    [Fact]
    public void Accessors_throw_on_the_wrong_kind()
    {
        Assert.Throws<InvalidOperationException>(() => ExpressionValue.From(1).GetString());
        Assert.Throws<InvalidOperationException>(() => ExpressionValue.From("s").GetBoolean());
        Assert.Throws<InvalidOperationException>(() => ExpressionValue.Null.GetDouble());
        Assert.Throws<InvalidOperationException>(() => ExpressionValue.From("s").GetArrayLength());
        Assert.Throws<InvalidOperationException>(() => ExpressionValue.From(new OpaqueObject()).EnumerateObject());
    }

    [Fact]
    public void TryGetInt64_accepts_integral_doubles_only()
    {
        Assert.True(ExpressionValue.From(4.0).TryGetInt64(out var four));
        Assert.Equal(4, four);
        Assert.False(ExpressionValue.From(4.5).TryGetInt64(out _));
        Assert.False(ExpressionValue.From(1e30).TryGetInt64(out _));
        Assert.False(ExpressionValue.From(double.NaN).TryGetInt64(out _));
        Assert.False(ExpressionValue.From("4").TryGetInt64(out _));
    }

    [Fact]
    public void Non_finite_numbers_cannot_become_json()
    {
        var error = Assert.Throws<ExpressionException>(() => ExpressionValue.From(double.NaN).ToJsonNode());
        Assert.Equal("cannot represent NaN in JSON", error.Message);
        Assert.Throws<ExpressionException>(() => ExpressionValue.From(double.PositiveInfinity).ToJsonString());
    }

    [Fact]
    public void Objects_that_cannot_list_members_still_answer_lookups_but_not_listing()
    {
        var context = new TestContext().With("o", ExpressionValue.From(new OpaqueObject()));
        Assert.Equal("\"ANY\"", Expression.Parse("o.any").Evaluate(context).ToJsonString());
        Assert.True(Expression.Parse("contains(o, 'x')").Evaluate(context).GetBoolean());
        foreach (var source in new[] { "keys(o)", "length(o)", "toJSON(o)", "o == {}" })
        {
            var error = Assert.Throws<ExpressionException>(() => Expression.Parse(source).Evaluate(context));
            Assert.Equal("this object cannot list its members", error.Reason);
        }
    }

    [Fact]
    public void Objects_that_list_members_behave_like_json_objects()
    {
        var lazy = new LazyObject(name => name switch { "a" => ExpressionValue.From(1), "b" => ExpressionValue.From("x"), _ => null }, ["a", "b"]);
        var context = new TestContext().With("o", ExpressionValue.From(lazy));
        Assert.Equal("""{"a":1,"b":"x"}""", Expression.Parse("toJSON(o)").Evaluate(context).GetString());
        Assert.True(Expression.Parse("o == {b: 'x', a: 1}").Evaluate(context).GetBoolean());
        Assert.Equal("[\"a\",\"b\"]", Expression.Parse("keys(o)").Evaluate(context).ToJsonString());
        Assert.Equal("""{"a":1,"b":"x"}""", ExpressionValue.From(lazy).ToJsonNode()!.ToJsonString());
    }
}
