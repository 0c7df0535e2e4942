namespace OpenClaw.Runtime.Tests;

/// <summary>Waiting on conditions with a deadline, never on the clock alone.</summary>
internal static class Wait
{
    public static readonly TimeSpan DefaultDeadline = TimeSpan.FromSeconds(30);

    /// <summary>Re-checks <paramref name="condition"/> until it holds; fails naming <paramref name="what"/> at the deadline.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, string what, TimeSpan? deadline = null)
    {
        var until = DateTime.UtcNow + (deadline ?? DefaultDeadline);
        while (!await condition())
        {
            if (DateTime.UtcNow > until) Assert.Fail($"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }

    public static Task UntilAsync(Func<bool> condition, string what, TimeSpan? deadline = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, deadline);

    /// <summary>The task's result, or a failure naming <paramref name="what"/> at the deadline.</summary>
    public static async Task<T> ForAsync<T>(Task<T> task, string what, TimeSpan? deadline = null)
    {
        try
        {
            return await task.WaitAsync(deadline ?? DefaultDeadline);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out waiting for {what}.");
            throw;
        }
    }

    public static async Task ForAsync(Task task, string what, TimeSpan? deadline = null)
    {
        try
        {
            await task.WaitAsync(deadline ?? DefaultDeadline);
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Timed out waiting for {what}.");
            throw;
        }
    }
}
