package io.plugboard.host.internal.weaving;

import java.util.EnumSet;
import java.util.Set;

import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.Handle;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * Rewrites a class's calls of {@code System.exit(int)}, {@code Runtime.exit(int)} and
 * {@code Runtime.halt(int)} (also as method references) into calls of a static method added to
 * the class, which throws a {@link SecurityException} naming the plugin and the exit code. The
 * added method uses only {@code java.*} types, so the class needs no import it did not have; it
 * takes the same arguments the replaced call did, so the stack and the stack map frames of the
 * calling code stay as they were, and the added code has no branch that would need a frame.
 */
final class ExitCallRewriter {

    private static final int API = Opcodes.ASM9;
    private static final int CONSTANT_METHODREF = 10;
    // The last class file version whose interfaces cannot have static methods (Java 7).
    private static final int NO_STATIC_INTERFACE_METHODS = Opcodes.V1_7;
    private static final String SUFFIX = "); a plugin may not end the host";

    /** The calls that end the JVM, and the method each is replaced with. */
    enum ExitCall {
        SYSTEM_EXIT("java/lang/System", "exit", "(I)V", "System.exit", "plugboard$systemExit"),
        RUNTIME_EXIT("java/lang/Runtime", "exit", "(Ljava/lang/Runtime;I)V", "Runtime.exit", "plugboard$runtimeExit"),
        RUNTIME_HALT("java/lang/Runtime", "halt", "(Ljava/lang/Runtime;I)V", "Runtime.halt", "plugboard$runtimeHalt");

        final String owner;
        final String name;
        /** The replacement's descriptor: the receiver of Runtime's methods is its first argument. */
        final String replacementDescriptor;
        final String shown;
        /** The name of the method added to a class that makes this call. */
        final String replacementName;

        ExitCall(String owner, String name, String replacementDescriptor, String shown, String replacementName) {
            this.owner = owner;
            this.name = name;
            this.replacementDescriptor = replacementDescriptor;
            this.shown = shown;
            this.replacementName = replacementName;
        }

        static ExitCall of(String owner, String name, String descriptor) {
            if (!"(I)V".equals(descriptor)) {
                return null;
            }
            for (ExitCall call : values()) {
                if (call.owner.equals(owner) && call.name.equals(name)) {
                    return call;
                }
            }
            return null;
        }
    }

    /** A class that calls an exit method but cannot be given the method that replaces it. */
    static final class NotRewritable extends Exception {
        private static final long serialVersionUID = 1L;

        NotRewritable(String message) {
            super(message);
        }
    }

    private ExitCallRewriter() {
    }

    /**
     * Whether the class refers to one of the exit methods: a look at its constant pool only (every
     * call and method reference names its method there), so classes that do not cost no parsing.
     */
    static boolean callsExit(ClassReader reader) {
        char[] buffer = null;
        for (int i = 1; i < reader.getItemCount(); i++) {
            int offset = reader.getItem(i);
            // 0: the unused second slot of a long or double.
            if (offset == 0 || reader.readByte(offset - 1) != CONSTANT_METHODREF) {
                continue;
            }
            if (buffer == null) {
                buffer = new char[reader.getMaxStringLength()];
            }
            int nameAndType = reader.getItem(reader.readUnsignedShort(offset + 2));
            String name = reader.readUTF8(nameAndType, buffer);
            if (("exit".equals(name) || "halt".equals(name))
                    && ExitCall.of(reader.readClass(offset, buffer), name, reader.readUTF8(nameAndType + 2, buffer)) != null) {
                return true;
            }
        }
        return false;
    }

    /**
     * The class, which {@link #callsExit} found to call an exit method, rewritten.
     *
     * @param who names the plugin in the exception's message, e.g. {@code io.x 1.0.0 (bundle 26)}
     * @throws NotRewritable for an interface of Java 7 or older that calls one (in its static
     *         initializer, the only code such an interface has): it cannot have the static method
     */
    static byte[] rewrite(ClassReader reader, String who) throws NotRewritable {
        boolean isInterface = (reader.getAccess() & Opcodes.ACC_INTERFACE) != 0;
        int version = reader.readUnsignedShort(6);
        if (isInterface && version <= NO_STATIC_INTERFACE_METHODS) {
            throw new NotRewritable("interface " + reader.getClassName().replace('/', '.') + " has class file version "
                    + version + ", which allows it no static method");
        }
        // The constant pool is copied: the class keeps its constants at the same indexes.
        ClassWriter writer = new ClassWriter(reader, 0);
        Rewriter rewriter = new Rewriter(writer, reader.getClassName(), isInterface, version, who);
        reader.accept(rewriter, 0);
        return writer.toByteArray();
    }

    /** Redirects the calls and method references, then adds a replacement per kind of call it redirected. */
    private static final class Rewriter extends ClassVisitor {

        private final String className;
        private final boolean isInterface;
        private final int replacementAccess;
        private final String who;
        private final Set<ExitCall> used = EnumSet.noneOf(ExitCall.class);

        Rewriter(ClassVisitor next, String className, boolean isInterface, int version, String who) {
            super(API, next);
            this.className = className;
            this.isInterface = isInterface;
            // Private interface methods came with Java 9; before, an interface's static method is public.
            this.replacementAccess = Opcodes.ACC_STATIC | Opcodes.ACC_SYNTHETIC
                    | (isInterface && version < Opcodes.V9 ? Opcodes.ACC_PUBLIC : Opcodes.ACC_PRIVATE);
            this.who = who;
        }

        @Override
        public MethodVisitor visitMethod(int access, String name, String descriptor, String signature,
                String[] exceptions) {
            return new MethodVisitor(API, super.visitMethod(access, name, descriptor, signature, exceptions)) {
                @Override
                public void visitMethodInsn(int opcode, String owner, String name, String descriptor,
                        boolean isInterfaceOwner) {
                    ExitCall call = ExitCall.of(owner, name, descriptor);
                    if (call == null) {
                        super.visitMethodInsn(opcode, owner, name, descriptor, isInterfaceOwner);
                    } else {
                        used.add(call);
                        super.visitMethodInsn(Opcodes.INVOKESTATIC, className, call.replacementName,
                                call.replacementDescriptor, isInterface);
                    }
                }

                @Override
                public void visitInvokeDynamicInsn(String name, String descriptor, Handle bootstrap, Object... arguments) {
                    Object[] replaced = arguments.clone();
                    for (int i = 0; i < replaced.length; i++) {
                        replaced[i] = replaced(replaced[i]);
                    }
                    super.visitInvokeDynamicInsn(name, descriptor, bootstrap, replaced);
                }

                @Override
                public void visitLdcInsn(Object value) {
                    super.visitLdcInsn(replaced(value));
                }
            };
        }

        /** A method handle of an exit method (System::exit) as one of its replacement; anything else as it is. */
        private Object replaced(Object constant) {
            if (!(constant instanceof Handle handle)) {
                return constant;
            }
            ExitCall call = ExitCall.of(handle.getOwner(), handle.getName(), handle.getDesc());
            if (call == null) {
                return constant;
            }
            used.add(call);
            return new Handle(Opcodes.H_INVOKESTATIC, className, call.replacementName, call.replacementDescriptor,
                    isInterface);
        }

        @Override
        public void visitEnd() {
            for (ExitCall call : used) {
                addReplacement(call);
            }
            super.visitEnd();
        }

        /**
         * {@code throw new SecurityException(who + " called System.exit(" + code + SUFFIX)}, its
         * stack trace starting at the caller (this method's own frame taken off), so a report's
         * "at" names the plugin's line that called.
         */
        private void addReplacement(ExitCall call) {
            MethodVisitor method = super.visitMethod(replacementAccess, call.replacementName, call.replacementDescriptor, null,
                    null);
            int code = call == ExitCall.SYSTEM_EXIT ? 0 : 1;
            method.visitCode();
            method.visitTypeInsn(Opcodes.NEW, "java/lang/SecurityException");
            method.visitInsn(Opcodes.DUP);
            method.visitLdcInsn(who + " called " + call.shown + "(");
            method.visitVarInsn(Opcodes.ILOAD, code);
            method.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/String", "valueOf", "(I)Ljava/lang/String;", false);
            method.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "concat",
                    "(Ljava/lang/String;)Ljava/lang/String;", false);
            method.visitLdcInsn(SUFFIX);
            method.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/String", "concat",
                    "(Ljava/lang/String;)Ljava/lang/String;", false);
            method.visitMethodInsn(Opcodes.INVOKESPECIAL, "java/lang/SecurityException", "<init>",
                    "(Ljava/lang/String;)V", false);
            // e.setStackTrace(Arrays.copyOfRange(trace, Math.min(1, trace.length), trace.length)):
            // without a branch (a JVM may record no trace at all: then it stays empty).
            method.visitInsn(Opcodes.DUP);
            method.visitInsn(Opcodes.DUP);
            method.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Throwable", "getStackTrace",
                    "()[Ljava/lang/StackTraceElement;", false);
            method.visitInsn(Opcodes.DUP);
            method.visitInsn(Opcodes.ARRAYLENGTH);
            method.visitInsn(Opcodes.DUP);
            method.visitInsn(Opcodes.ICONST_1);
            method.visitMethodInsn(Opcodes.INVOKESTATIC, "java/lang/Math", "min", "(II)I", false);
            method.visitInsn(Opcodes.SWAP);
            method.visitMethodInsn(Opcodes.INVOKESTATIC, "java/util/Arrays", "copyOfRange",
                    "([Ljava/lang/Object;II)[Ljava/lang/Object;", false);
            method.visitTypeInsn(Opcodes.CHECKCAST, "[Ljava/lang/StackTraceElement;");
            method.visitMethodInsn(Opcodes.INVOKEVIRTUAL, "java/lang/Throwable", "setStackTrace",
                    "([Ljava/lang/StackTraceElement;)V", false);
            method.visitInsn(Opcodes.ATHROW);
            method.visitMaxs(6, code + 1);
            method.visitEnd();
        }
    }
}
