using Boid.Containers.Outcomes;

namespace Boid.Containers.Tests;

public sealed class LogTailTests
{
    [Theory]
    [InlineData(new[] { "abc" }, 5, "abc")]
    [InlineData(new[] { "abc", "def" }, 5, "bcdef")]
    [InlineData(new[] { "abcdefgh" }, 5, "defgh")]
    [InlineData(new[] { "ab", "cdefghij", "k" }, 5, "ghijk")]
    [InlineData(new[] { "abcde" }, 5, "abcde")]
    [InlineData(new[] { "abc" }, 0, "")]
    public void ToString_AfterAppends_KeepsTheLastBytes(string[] chunks, int capacity, string expected)
    {
        var tail = new LogTail(capacity);
        foreach (var chunk in chunks)
        {
            tail.Append(System.Text.Encoding.UTF8.GetBytes(chunk));
        }

        Assert.Equal(expected, tail.ToString());
    }
}
