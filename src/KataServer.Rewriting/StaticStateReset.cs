using KataServer.Scheduling.Interception;
using Mono.Cecil;
using Mono.Cecil.Cil;

namespace KataServer.Rewriting;

/// <summary>
/// Adds to each eligible type a static method <see cref="StaticFields.ResetMethodName"/> that sets every static field to
/// its default and then runs the static constructor's body again (moved to <see cref="StaticFields.InitializerMethodName"/>,
/// which the constructor now calls). Runs after the method rewriters, so the moved body keeps its scheduling points and its
/// stores stay initialization, not hooked writes.
/// <para>
/// <c>static readonly</c> fields of such types lose <c>initonly</c>: the JIT may otherwise fold their first value into
/// optimized code, and code compiled before a reset would keep using the object of the first schedule.
/// </para>
/// A generic type has one set of statics per instantiation: its methods work on <c>Self&lt;T&gt;</c>, and its static constructor
/// (added if it had none) registers each instantiation as it is first used (<see cref="StaticFields.RegisterInstantiation"/>),
/// so the resetters reach every instantiation the program has used.
/// Skipped: compiler-generated types (lambda caches, array data), interfaces, constants and data fields (<c>.data</c>-backed). <c>[ThreadStatic]</c> fields are per thread: they get
/// their own method, <see cref="StaticFields.ThreadStaticResetMethodName"/>, that zeroes them on the calling thread
/// (the engine runs it as each operation starts, since operations share pooled threads).
/// </summary>
internal static class StaticStateReset
{
    /// <returns>the number of types given a reset method</returns>
    public static int AddTo(ModuleDefinition module, InterceptionMap map, MethodReference registerInstantiation)
    {
        var count = 0;
        foreach (var type in module.GetTypes().ToList())
        {
            if (type.IsInterface || type.Name.StartsWith('<') || IsCompilerGenerated(type) ||
                map.IsReplacementType(type) || type.Methods.Any(m => m.Name == StaticFields.ResetMethodName))
            {
                continue;
            }

            var threadStatics = type.Fields.Where(f => f.IsStatic && IsThreadStatic(f)).ToList();
            if (threadStatics.Count > 0)
            {
                var zero = NewStaticMethod(module, StaticFields.ThreadStaticResetMethodName, MethodAttributes.Public);
                var zeroIl = zero.Body.GetILProcessor();
                EmitZero(zeroIl, threadStatics);
                zeroIl.Emit(OpCodes.Ret);
                type.Methods.Add(zero);
            }

            var fields = type.Fields.Where(f => f.IsStatic && !f.IsLiteral && !f.HasFieldRVA && !IsThreadStatic(f)).ToList();
            var constructor = type.Methods.FirstOrDefault(m => m.IsConstructor && m.IsStatic && m.HasBody);
            if (fields.Count > 0)
            {
                var reset = NewStaticMethod(module, StaticFields.ResetMethodName, MethodAttributes.Public);
                var il = reset.Body.GetILProcessor();
                fields.ForEach(field => field.IsInitOnly = false);
                EmitZero(il, fields);

                if (constructor is not null)
                {
                    il.Emit(OpCodes.Call, SelfType.StaticMethod(MoveBody(module, type, constructor)));
                }

                il.Emit(OpCodes.Ret);
                type.Methods.Add(reset);
                count++;
            }

            if (type.HasGenericParameters && (fields.Count > 0 || threadStatics.Count > 0))
            {
                RegisterInstantiations(module, type, constructor, registerInstantiation);
            }
        }

        return count;
    }

    /// <summary>Makes the static constructor (added when missing) register each instantiation as it is initialized.</summary>
    private static void RegisterInstantiations(ModuleDefinition module, TypeDefinition type, MethodDefinition? constructor, MethodReference register)
    {
        if (constructor is null)
        {
            constructor = new MethodDefinition(".cctor",
                MethodAttributes.Private | MethodAttributes.Static | MethodAttributes.HideBySig | MethodAttributes.SpecialName | MethodAttributes.RTSpecialName,
                module.TypeSystem.Void);
            constructor.Body.GetILProcessor().Emit(OpCodes.Ret);
            type.Methods.Add(constructor);
        }

        var il = constructor.Body.GetILProcessor();
        var first = constructor.Body.Instructions[0];
        foreach (var instruction in SelfType.LoadTypeOf(type, module))
        {
            il.InsertBefore(first, instruction);
        }

        il.InsertBefore(first, Instruction.Create(OpCodes.Call, register));
    }

    /// <summary>Moves the static constructor's body (with its debug information) to a new method the constructor calls.</summary>
    private static MethodDefinition MoveBody(ModuleDefinition module, TypeDefinition type, MethodDefinition constructor)
    {
        var initializer = NewStaticMethod(module, StaticFields.InitializerMethodName, MethodAttributes.Private);
        var from = constructor.Body;
        var to = initializer.Body;
        to.InitLocals = from.InitLocals;
        foreach (var variable in from.Variables)
        {
            to.Variables.Add(variable);
        }

        foreach (var instruction in from.Instructions)
        {
            to.Instructions.Add(instruction);
        }

        foreach (var handler in from.ExceptionHandlers)
        {
            to.ExceptionHandlers.Add(handler);
        }

        var debug = constructor.DebugInformation;
        foreach (var point in debug.SequencePoints)
        {
            initializer.DebugInformation.SequencePoints.Add(point);
        }

        initializer.DebugInformation.Scope = debug.Scope;
        debug.SequencePoints.Clear();
        debug.Scope = null;
        type.Methods.Add(initializer);

        constructor.Body = new MethodBody(constructor);
        var il = constructor.Body.GetILProcessor();
        il.Emit(OpCodes.Call, SelfType.StaticMethod(initializer));
        il.Emit(OpCodes.Ret);
        return initializer;
    }

    private static void EmitZero(ILProcessor il, List<FieldDefinition> fields)
    {
        foreach (var field in fields)
        {
            il.Emit(OpCodes.Ldsflda, SelfType.Field(field));
            il.Emit(OpCodes.Initobj, field.FieldType);
        }
    }

    private static MethodDefinition NewStaticMethod(ModuleDefinition module, string name, MethodAttributes visibility) =>
        new(name, visibility | MethodAttributes.Static | MethodAttributes.HideBySig, module.TypeSystem.Void);

    private static bool IsThreadStatic(FieldDefinition field) =>
        field.CustomAttributes.Any(a => a.AttributeType.FullName == "System.ThreadStaticAttribute");

    private static bool IsCompilerGenerated(TypeDefinition type) =>
        type.CustomAttributes.Any(a => a.AttributeType.FullName == "System.Runtime.CompilerServices.CompilerGeneratedAttribute");
}
