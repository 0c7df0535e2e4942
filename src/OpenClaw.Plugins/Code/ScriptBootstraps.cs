namespace OpenClaw.Plugins.Code;

/// <summary>
/// The programs that host user code in <c>node</c> and <c>python3</c>. Each reads <c>{ "code", "inputs" }</c> as JSON on
/// stdin and writes exactly one JSON object on stdout: <c>{ "ok": true, "result": ... }</c> or
/// <c>{ "ok": false, "type", "error", "line" }</c>. Whatever the user code prints goes to stderr, so it can never be
/// mistaken for the result; the plugin logs it.
/// </summary>
internal static class ScriptBootstraps
{
    /// <summary>
    /// The code becomes the body of <c>async function (inputs, require)</c>, compiled by <c>vm.Script</c> with file name
    /// <c>code.js</c> and a line offset, so line numbers in errors are the user's own.
    /// </summary>
    public const string JavaScript = """
        'use strict';
        const vm = require('vm');
        const realWrite = process.stdout.write.bind(process.stdout);
        process.stdout.write = process.stderr.write.bind(process.stderr);
        for (const name of ['log', 'info', 'debug']) console[name] = (...args) => console.error(...args);
        const emit = (text) => new Promise((resolve) => realWrite(text + '\n', resolve));
        const lineOf = (error) => {
          const text = String((error && error.stack) || '');
          const match = /code\.js:(\d+)/.exec(text);
          return match ? Number(match[1]) : null;
        };
        const fail = async (error) => {
          const type = (error && error.name) || typeof error;
          const message = error && error.message !== undefined ? String(error.message) : String(error);
          await emit(JSON.stringify({ ok: false, type, error: message, line: lineOf(error) }));
          process.exitCode = 1;
        };
        const chunks = [];
        process.stdin.on('data', (chunk) => chunks.push(chunk));
        process.stdin.on('end', async () => {
          let request;
          try {
            request = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          } catch (error) {
            return fail(error);
          }
          let main;
          try {
            const source = '(async function (inputs, require) {\n' + request.code + '\n})';
            main = new vm.Script(source, { filename: 'code.js', lineOffset: -1 }).runInThisContext();
          } catch (error) {
            return fail(error);
          }
          let result;
          try {
            result = await main(request.inputs, require);
          } catch (error) {
            return fail(error);
          }
          let json;
          try {
            json = JSON.stringify(result === undefined ? null : result);
          } catch (error) {
            return fail(new TypeError('the result cannot be converted to JSON: ' + error.message));
          }
          await emit('{"ok":true,"result":' + (json === undefined ? 'null' : json) + '}');
        });
        """;

    /// <summary>
    /// The code is parsed with <c>ast</c> and becomes the body of <c>def main(inputs)</c> (so <c>return</c> works and
    /// line numbers stay the user's), then compiled as <c>code.py</c>.
    /// </summary>
    public const string Python = """
        import ast, datetime, decimal, json, sys, traceback
        real_stdout = sys.stdout.buffer
        sys.stdout = sys.stderr

        def emit(obj):
            real_stdout.write(obj.encode("utf-8") if isinstance(obj, str) else json.dumps(obj).encode("utf-8"))
            real_stdout.write(b"\n")
            real_stdout.flush()

        def line_of(error):
            line = None
            for frame in traceback.extract_tb(error.__traceback__):
                if frame.filename == "code.py":
                    line = frame.lineno
            return line

        def fail(error_type, message, line):
            emit({"ok": False, "type": error_type, "error": message, "line": line})
            sys.exit(1)

        def to_json(value):
            if isinstance(value, (set, frozenset, tuple)):
                return list(value)
            if isinstance(value, (datetime.date, datetime.time)):
                return value.isoformat()
            if isinstance(value, decimal.Decimal):
                return float(value)
            raise TypeError(f"{type(value).__name__} is not JSON serialisable")

        try:
            request = json.loads(sys.stdin.buffer.read().decode("utf-8"))
        except Exception as error:
            fail(type(error).__name__, str(error), None)

        try:
            tree = ast.parse(request["code"], filename="code.py", mode="exec")
            wrapper = ast.parse("def __openclaw_main__(inputs):\n    pass\n", mode="exec")
            if tree.body:
                wrapper.body[0].body = tree.body
            compiled = compile(wrapper, "code.py", "exec")
        except SyntaxError as error:
            fail("SyntaxError", error.msg, error.lineno)

        scope = {"__name__": "__openclaw__"}
        exec(compiled, scope)
        try:
            result = scope["__openclaw_main__"](request["inputs"])
        except BaseException as error:
            fail(type(error).__name__, str(error), line_of(error))

        try:
            text = json.dumps({"ok": True, "result": result}, default=to_json, allow_nan=False)
        except (TypeError, ValueError) as error:
            fail("TypeError", f"the result cannot be converted to JSON: {error}", None)
        emit(text)
        """;
}
