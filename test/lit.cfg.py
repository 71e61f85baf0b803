# -*- Python -*- lit configuration for Cajal's FileCheck tests.
import os
import lit.formats
from lit.llvm import llvm_config

config.name = "Cajal"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".cajal", ".test", ".mlir"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.cajal_obj_root, "test")
config.excludes = ["CMakeLists.txt", "lit.cfg.py", "lit.site.cfg.py.in",
                   "Inputs", "Unit", "Fuzz"]

config.substitutions.append(("%PATH%", config.environment["PATH"]))
config.substitutions.append(("%cajal_src", config.cajal_src_root))
config.substitutions.append(("%stdlib", os.path.join(config.cajal_src_root, "stdlib")))
config.substitutions.append(("%examples", os.path.join(config.cajal_src_root, "examples")))

llvm_config.with_system_environment(["HOME", "INCLUDE", "LIB", "TMP", "TEMP"])
llvm_config.use_default_substitutions()
config.environment["CAJAL_STDLIB"] = os.path.join(config.cajal_src_root, "stdlib")

tool_dirs = [config.cajal_tools_dir, config.llvm_tools_dir]
llvm_config.add_tool_substitutions(["cajal", "cajal-opt"], tool_dirs)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)

# The CUDA target: `ptxas` assembles the PTX it emits (lit tests check it is
# valid); `cuda-gpu` is on where the CUDA driver finds a GPU, for the tests
# that run kernels.
import ctypes
import shutil
ptxas = shutil.which("ptxas") or next(
    (p for p in [os.path.join(os.environ.get("CUDA_HOME", "/usr/local/cuda"),
                              "bin", "ptxas")] if os.path.exists(p)), None)
if ptxas:
    config.available_features.add("ptxas")
    config.substitutions.append(("%ptxas", ptxas))
try:
    cuda = ctypes.CDLL("libcuda.so.1")
    count = ctypes.c_int(0)
    if cuda.cuInit(0) == 0 and cuda.cuDeviceGetCount(ctypes.byref(count)) == 0 \
            and count.value > 0:
        config.available_features.add("cuda-gpu")
except OSError:
    pass

# The FPGA target: Verilator co-simulates generated designs, Icarus Verilog
# checks they are Verilog-2005, Yosys synthesizes them.
for tool in ["verilator", "iverilog", "yosys"]:
    if shutil.which(tool):
        config.available_features.add(tool)
config.substitutions.append(
    ("%fpga_scripts", os.path.join(config.cajal_src_root, "targets", "fpga", "scripts")))
