//===- Design.cpp - A fixed-point sim program as a Verilog design ---------===//
//
// Part of the Cajal project: a compiler for brain models.
//
// The build of the FPGA target: the fixed-point sim program becomes a
// hw.design (SimToHW.cpp), printed as Verilog (ExportVerilog.cpp); this
// file writes it with its memory images (from the CPU set-up), the
// quantization report and design.json.
//
//===----------------------------------------------------------------------===//

#include "cajal/Target/FPGA/Design.h"

#include "cajal/Target/FPGA/ExportVerilog.h"
#include "cajal/Target/FPGA/FixedPoint.h"
#include "cajal/Target/FPGA/RandomDraws.h"
#include "cajal/Target/FPGA/SimToHW.h"

#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdio>

using namespace mlir;
namespace sm = cajal::sim;

namespace cajal::fpga {
namespace {

/// Writes `text` to dir/name and records it.
llvm::Error writeFile(StringRef dir, StringRef name, StringRef text,
                      DesignSummary &summary) {
  llvm::SmallString<256> path(dir);
  llvm::sys::path::append(path, name);
  std::error_code error;
  llvm::raw_fd_ostream os(path, error);
  if (error)
    return llvm::createStringError(error, "cannot write " + path.str() +
                                              ": " + error.message());
  os << text;
  summary.files.push_back(path.str().str());
  return llvm::Error::success();
}

/// A double in decimal that reads back as the same double.
std::string exactDecimal(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%.17g", value);
  return text;
}

sm::ProgramOp onlyProgram(ModuleOp module) {
  sm::ProgramOp program;
  module.walk([&](sm::ProgramOp found) { program = found; });
  return program;
}

} // namespace

LogicalResult checkDesign(ModuleOp module) {
  sm::ProgramOp program = onlyProgram(module);
  if (!program)
    return module.emitError("no sim.program to build a design from");
  FailureOr<hw::DesignOp> design =
      convertSimToHW(program, nullptr, /*warnOmissions=*/true);
  if (failed(design))
    return failure();
  design->erase();
  return success();
}

llvm::Expected<DesignSummary> writeDesign(ModuleOp module, cajal_sim *setup,
                                          StringRef dir, bool hostPort,
                                          unsigned stageDelay) {
  sm::ProgramOp program = onlyProgram(module);
  if (!program)
    return llvm::createStringError("no sim.program to build a design from");
  FailureOr<hw::DesignOp> converted =
      convertSimToHW(program, setup, /*warnOmissions=*/false);
  if (failed(converted))
    return llvm::createStringError("the design could not be generated");
  // The design lives next to the program until it is written.
  hw::DesignOp design = *converted;
  design.setNoHostPort(!hostPort);
  pipelineDesign(design, stageDelay);
  auto erase = llvm::make_scope_exit([&] { design.erase(); });
  VerilogDesign verilog = exportVerilog(design);
  if (std::error_code error = llvm::sys::fs::create_directories(dir))
    return llvm::createStringError(error, "cannot create " + dir.str());
  DesignSummary summary;
  summary.topModule = verilog.topModule;
  // Neurons the engine updates each step (once, however many passes).
  llvm::DenseSet<Operation *> updated;
  program.walk([&](sm::StepOp step) {
    for (auto phase : step.getBody().front().getOps<sm::ForEachOp>())
      if (auto population = SymbolTable::lookupNearestSymbolFrom<
              sm::PopulationOp>(phase, phase.getGroupAttr()))
        if (updated.insert(population).second)
          summary.neurons += population.getSize();
  });
  summary.synapses = verilog.synapses;
  summary.cyclesPerStepIdle = verilog.cyclesPerStepIdle;
  summary.walks = verilog.walks;
  if (auto error =
          writeFile(dir, summary.topModule + ".v", verilog.top, summary))
    return std::move(error);
  if (auto error = writeFile(dir, "tb_cajal.v", verilog.testbench, summary))
    return std::move(error);
  if (verilog.hasInputs)
    if (auto error = writeFile(dir, "input_spikes.txt", verilog.inputSpikes,
                               summary))
      return std::move(error);

  // Memory images, in hex, two's complement; and the fields' memories with
  // their scales (value = raw * scale), for hosts and comparisons.
  std::string fieldList;
  for (auto mem : design.getBody().front().getOps<hw::MemoryOp>()) {
    std::vector<int64_t> image(mem.getDepth(), 0);
    std::string source = mem.getInit() ? mem.getInit()->str() : "";
    auto [kind, tableName] = StringRef(source).split(':');
    if (auto contents = mem.getContents()) {
      std::copy(contents->begin(), contents->end(), image.begin());
    } else if (!tableName.empty()) {
      // A connectivity table: CSR rows and targets, or the transposed index
      // (columns) that postsynaptic spikes walk.
      int32_t id = cajal_sim_find_connectivity(setup, tableName.str().c_str());
      if (id < 0)
        return llvm::createStringError("no connectivity '" + tableName.str() +
                                       "' in the set-up");
      uint64_t synapses = cajal_sim_num_synapses(setup, id);
      auto copy = [&](const auto *entries, uint64_t count) {
        for (uint64_t e = 0; entries && e < count && e < image.size(); ++e)
          image[e] = static_cast<int64_t>(entries[e]);
        return entries != nullptr;
      };
      bool found;
      if (kind == "rows")
        found = copy(cajal_sim_row_offsets(setup, id), image.size());
      else if (kind == "targets")
        found = copy(cajal_sim_targets(setup, id), synapses);
      else if (kind == "columns")
        found = copy(cajal_sim_column_offsets(setup, id), image.size());
      else
        found = copy(cajal_sim_column_synapses(setup, id), synapses);
      if (!found)
        return llvm::createStringError("no " + kind.str() + " of '" +
                                       tableName.str() + "' in the set-up");
    } else if (!source.empty()) {
      int32_t id = cajal_sim_find_field(setup, source.c_str());
      if (id < 0)
        return llvm::createStringError("no field '" + source +
                                       "' in the set-up");
      const double *data = cajal_sim_field_data(setup, id);
      uint64_t size = cajal_sim_field_size(setup, id);
      fieldList +=
          llvm::formatv("{0}\n    {{\"field\": \"{1}\", \"memory\": "
                        "\"{2}\", \"width\": {3}, \"signed\": {4}, "
                        "\"scale\": {5}}",
                        fieldList.empty() ? "" : ",", source, mem.getSymName(),
                        mem.getWidth(), mem.getIsSigned() ? "true" : "false",
                        exactDecimal(cajal_sim_field_scale(setup, id)))
              .str();
      for (uint64_t e = 0; e < size && e < image.size(); ++e)
        image[e] = static_cast<int64_t>(data[e]);
    }
    unsigned width = mem.getWidth();
    std::string text;
    llvm::raw_string_ostream os(text);
    unsigned digits = (width + 3) / 4;
    uint64_t mask = width >= 64 ? ~uint64_t(0) : (uint64_t(1) << width) - 1;
    for (int64_t value : image)
      os << llvm::format_hex_no_prefix(static_cast<uint64_t>(value) & mask,
                                       digits)
         << "\n";
    os.flush();
    if (auto error = writeFile(dir, (mem.getSymName() + ".mem").str(), text,
                               summary))
      return std::move(error);
  }

  // Formats and error bounds of every field.
  std::string report;
  llvm::raw_string_ostream rs(report);
  rs << "# Fixed-point formats of '" << program.getSymName()
     << "' (value = raw * scale)\n"
        "# field  width  scale  fraction-bits  range  error-per-step  "
        "error-bound\n";
  program.walk([&](sm::FieldOp field) {
    std::optional<FixedFormat> format = getFieldFormat(field);
    if (!format)
      return;
    auto group = field->getParentOp()->getAttrOfType<StringAttr>(
        SymbolTable::getSymbolAttrName());
    if (isGeneratorField(field)) {
      rs << llvm::formatv("{0}.{1}  32  xorshift32 state: {2}\n",
                          group.getValue(), field.getSymName(),
                          generatorDescription(field));
      return;
    }
    auto step = field->getAttrOfType<FloatAttr>("fixed_error_step");
    auto bound = field->getAttrOfType<FloatAttr>("fixed_error_bound");
    rs << llvm::formatv("{0}.{1}  {2}  {3:e}  {4}  [{5:e}, {6:e}] {7}  {8}  "
                        "{9}\n",
                        group.getValue(), field.getSymName(), format->width,
                        format->scale,
                        format->steps ? std::string("steps")
                                      : std::to_string(format->fraction()),
                        format->minRaw() * format->scale,
                        format->maxRaw() * format->scale, field.getUnit(),
                        step ? llvm::formatv("{0:e}", step.getValueAsDouble())
                                   .str()
                             : std::string("-"),
                        bound ? llvm::formatv("{0:e}",
                                              bound.getValueAsDouble())
                                    .str()
                              : std::string("-"));
  });
  rs.flush();
  if (auto error = writeFile(dir, "quantization.txt", report, summary))
    return std::move(error);

  // The host port's memory numbers, with what the host needs to fill them.
  std::string hostList;
  for (auto [id, mem] : llvm::enumerate(hostMemories(design)))
    hostList += llvm::formatv("{0}\n    {{\"id\": {1}, \"memory\": \"{2}\", "
                              "\"init\": \"{3}\", \"width\": {4}, "
                              "\"depth\": {5}, \"signed\": {6}}",
                              id ? "," : "", id, mem.getSymName(),
                              *mem.getInit(), mem.getWidth(), mem.getDepth(),
                              mem.getIsSigned() ? "true" : "false")
                    .str();
  std::string walkList;
  for (const WalkCost &walk : summary.walks)
    walkList += llvm::formatv("{0}\n    {{\"phase\": \"{1}\", \"walks\": "
                              "\"{2}\", \"population\": \"{3}\", "
                              "\"begin\": {4}, \"end\": {5}, "
                              "\"offsets\": \"{6}\", "
                              "\"cycles_per_spike\": {7}, "
                              "\"cycles_per_synapse\": {8}, "
                              "\"cycles_per_skipped_spike\": {9}}",
                              walkList.empty() ? "" : ",", walk.phase,
                              walk.walks, walk.population, walk.begin,
                              walk.end, walk.offsets, walk.cyclesPerSpike,
                              walk.cyclesPerSynapse,
                              walk.cyclesPerSkippedSpike)
                    .str();
  std::string json = llvm::formatv(
      "{{\n  \"model\": \"{0}\",\n  \"top\": \"{1}\",\n  \"neurons\": {2},\n"
      "  \"synapses\": {3},\n  \"cycles_per_step\": {4},\n"
      "  \"cycles_per_step_note\": \"without spikes; each spike of a walk's "
      "population adds, in each walk whose range it is in, cycles_per_spike "
      "plus cycles_per_synapse per synapse of its row (or column), and "
      "cycles_per_skipped_spike in the others\",\n  \"dt\": {5:e},\n"
      "  \"walks\": [{8}\n  ],\n"
      "  \"fields\": [{7}\n  ],\n"
      "  \"host_memories\": [{6}\n  ]\n}\n",
      program.getSymName(), summary.topModule, summary.neurons,
      summary.synapses, summary.cyclesPerStepIdle,
      program.getDt().convertToDouble(), hostList, fieldList, walkList);
  if (auto error = writeFile(dir, "design.json", json, summary))
    return std::move(error);
  if (auto error = writeFile(dir, "top.txt", summary.topModule + "\n",
                             summary))
    return std::move(error);
  return summary;
}

} // namespace cajal::fpga
