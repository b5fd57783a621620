using System.Reflection;
using System.Runtime.Loader;
using KataServer.Testing;
using KataServer.Testing.Protocol;

namespace KataServer.Runner;

/// <summary>A kata test: a static [KataTest] method, returning void or Task.</summary>
public sealed record KataTestCase(string Name, MethodInfo Method, KataTestAttribute Options)
{
    public bool IsAsync => typeof(Task).IsAssignableFrom(Method.ReturnType);

    /// <summary>Runs the test once, to completion, on the calling thread.</summary>
    public void Invoke()
    {
        if (InvokeStatic(Method) is Task task) task.GetAwaiter().GetResult();
    }

    /// <summary>Calls a static method, rethrowing what it threw as itself (not wrapped by reflection).</summary>
    public static object? InvokeStatic(MethodInfo method, params object?[]? args)
    {
        try { return method.Invoke(null, args); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
            throw;
        }
    }

    /// <summary>Starts the test; the returned task completes when it does.</summary>
    public Task InvokeAsync()
    {
        try
        {
            return Method.Invoke(null, null) as Task ?? Task.CompletedTask;
        }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            return Task.FromException(e.InnerException);
        }
    }
}

public sealed record TestSuite(Assembly Submission, Assembly TestAssembly, IReadOnlyList<KataTestCase> Tests, string SubmissionFileName)
{
    /// <summary>Loads the submission and the tests from the bytes the grader sent (no file of them exists in the sandbox).</summary>
    public static TestSuite Load(RunInput input)
    {
        var request = input.Request;
        var submission = FromMemory(AssemblyLoadContext.Default, input.Required(RunInput.SubmissionDll), input.Part(RunInput.SubmissionPdb));
        var tests = FromMemory(AssemblyLoadContext.Default, input.Required(RunInput.TestsDll), input.Part(RunInput.TestsPdb));
        var loaded = new[] { submission, tests };
        AssemblyLoadContext.Default.Resolving += (_, name) => loaded.FirstOrDefault(a => AssemblyName.ReferenceMatchesDefinition(name, a.GetName()));

        var cases = tests.GetExportedTypes()
            .SelectMany(type => type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            .Select(method => (method, options: method.GetCustomAttribute<KataTestAttribute>()))
            .Where(pair => pair.options is not null && pair.method.GetParameters().Length == 0)
            .Select(pair => new KataTestCase(pair.method.Name, pair.method, pair.options!))
            .Where(test => request.Tests.Count == 0 || request.Tests.Contains(test.Name))
            .OrderBy(test => test.Method.DeclaringType!.MetadataToken).ThenBy(test => test.Method.MetadataToken)
            .ToList();
        return new TestSuite(submission, tests, cases, request.SubmissionFileName);
    }

    /// <summary>An assembly (and its symbols, for the learner's line numbers) loaded from bytes into <paramref name="context"/>.</summary>
    public static Assembly FromMemory(AssemblyLoadContext context, byte[] dll, byte[]? pdb)
    {
        using var image = new MemoryStream(dll, writable: false);
        using var symbols = pdb is null ? null : new MemoryStream(pdb, writable: false);
        return context.LoadFromStream(image, symbols);
    }
}

public interface ISuiteRunner
{
    void Run(TestSuite suite);
}
