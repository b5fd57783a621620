using KataServer.Scheduling.Interception;
using Mono.Cecil;
using Mono.Cecil.Cil;
using Mono.Cecil.Rocks;

namespace KataServer.Rewriting;

/// <summary>
/// <c>[MethodImpl(MethodImplOptions.Synchronized)]</c> makes the runtime take the monitor of <c>this</c> (or of the type
/// object for a static method) around the call, out of the engine's sight. This turns such a method into what a
/// <c>lock</c> statement compiles to, on the controlled monitor:
/// <code>
/// object gate = this /* or typeof(T) */; bool taken = false;
/// try { ControlledMonitor.Enter(gate, ref taken); body } finally { if (taken) ControlledMonitor.Exit(gate); }
/// </code>
/// and clears the flag, so <c>Monitor.Wait(this)</c> inside sees the lock it holds.
/// </summary>
internal static class SynchronizedMethods
{
    /// <summary>How lowered methods are counted in <see cref="RewriteReport.ReplacedCalls"/>.</summary>
    public const string Api = "System.Runtime.CompilerServices.MethodImplOptions::Synchronized";

    /// <returns>true when <paramref name="method"/> was synchronized and has been lowered</returns>
    public static bool Lower(MethodDefinition method, RewriteContext context)
    {
        // A struct's "this" is a reference to a copy, not an object whose monitor could be taken.
        if (!method.IsSynchronized || !method.HasBody || (!method.IsStatic && method.DeclaringType.IsValueType))
        {
            return false;
        }

        var module = context.Module;
        var body = method.Body;
        body.SimplifyMacros();
        var il = body.GetILProcessor();

        var gate = new VariableDefinition(module.TypeSystem.Object);
        var taken = new VariableDefinition(module.TypeSystem.Boolean);
        body.Variables.Add(gate);
        body.Variables.Add(taken);
        var result = method.ReturnType.MetadataType == MetadataType.Void ? null : new VariableDefinition(method.ReturnType);
        if (result is not null)
        {
            body.Variables.Add(result);
        }

        var exit = result is null ? Instruction.Create(OpCodes.Ret) : Instruction.Create(OpCodes.Ldloc, result);
        foreach (var instruction in body.Instructions.ToList())
        {
            if (instruction.OpCode.Code == Code.Tail)
            {
                instruction.OpCode = OpCodes.Nop; // a tail call would leave the protected region
            }
            else if (instruction.OpCode.Code == Code.Ret)
            {
                // Keep the instruction object (branches target it): it becomes the first of its replacement.
                if (result is null)
                {
                    instruction.OpCode = OpCodes.Leave;
                    instruction.Operand = exit;
                }
                else
                {
                    instruction.OpCode = OpCodes.Stloc;
                    instruction.Operand = result;
                    il.InsertAfter(instruction, Instruction.Create(OpCodes.Leave, exit));
                }
            }
        }

        var first = body.Instructions[0];
        var tryStart = Instruction.Create(OpCodes.Ldloc, gate);
        Instruction[] prologue =
        [
            .. LoadGate(method, module),
            Instruction.Create(OpCodes.Stloc, gate),
            Instruction.Create(OpCodes.Ldc_I4_0),
            Instruction.Create(OpCodes.Stloc, taken),
            tryStart,
            Instruction.Create(OpCodes.Ldloca, taken),
            Instruction.Create(OpCodes.Call, context.SchedulingMethod(typeof(ControlledMonitor), nameof(ControlledMonitor.Enter), 2)),
        ];
        foreach (var instruction in prologue)
        {
            il.InsertBefore(first, instruction);
        }

        var endFinally = Instruction.Create(OpCodes.Endfinally);
        var finallyStart = Instruction.Create(OpCodes.Ldloc, taken);
        il.Append(finallyStart);
        il.Append(Instruction.Create(OpCodes.Brfalse, endFinally));
        il.Append(Instruction.Create(OpCodes.Ldloc, gate));
        il.Append(Instruction.Create(OpCodes.Call, context.SchedulingMethod(typeof(ControlledMonitor), nameof(ControlledMonitor.Exit), 1)));
        il.Append(endFinally);
        il.Append(exit);
        if (result is not null)
        {
            il.Append(Instruction.Create(OpCodes.Ret));
        }

        // Handlers are listed innermost first: the method-wide one goes last.
        body.ExceptionHandlers.Add(new ExceptionHandler(ExceptionHandlerType.Finally)
        {
            TryStart = tryStart,
            TryEnd = finallyStart,
            HandlerStart = finallyStart,
            HandlerEnd = exit,
        });
        method.IsSynchronized = false;
        body.OptimizeMacros();
        return true;
    }

    private static Instruction[] LoadGate(MethodDefinition method, ModuleDefinition module)
    {
        if (!method.IsStatic)
        {
            return [Instruction.Create(OpCodes.Ldarg, method.Body.ThisParameter)];
        }

        return SelfType.LoadTypeOf(method.DeclaringType, module);
    }
}
