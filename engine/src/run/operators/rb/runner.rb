# `rb>` runner for `wf run`: the protocol of digdag's runner.rb.
#
#   ruby -I <workdir> -- runner.rb <input.json> <output.json>
#
# The input JSON has `params` (every parameter of the task), `command`
# (`[Module::Class.]method`), `script`, `require` and `workdir`. The runner requires
# `require`, calls the method with arguments matched by name from the parameters (a class
# whose public instance method it is is created first, its `initialize` getting arguments
# the same way), and writes `subtask_config`, `export_params`, `store_params` and `error`
# to the output JSON. On an error it prints the exception and backtrace to stderr and
# exits non-zero.
$stdout.sync = true
$stderr.sync = true
require_relative 'digdag'

module WfRbRunner
  module_function

  def missing(label, key)
    ArgumentError.new("Method '#{label}' requires parameter '#{key}' but not set")
  end

  # Positional and keyword arguments for `parameters` (`Method#parameters`) from `params`.
  def arguments(parameters, label, params)
    args = []
    kwargs = {}
    positional_gap = false
    parameters.each do |kind, name|
      key = name.to_s
      case kind
      when :req
        raise missing(label, key) unless params.key?(key)

        args << params[key]
      when :opt
        # After a missing optional argument the next ones cannot be passed by position.
        if params.key?(key) && !positional_gap
          args << params[key]
        else
          positional_gap = true
        end
      when :keyreq
        raise missing(label, key) unless params.key?(key)

        kwargs[name] = params[key]
      when :key
        kwargs[name] = params[key] if params.key?(key)
      when :keyrest
        kwargs = symbolize_keys(params).merge(kwargs)
      end
    end
    [args, kwargs]
  end

  def symbolize_keys(hash)
    hash.each_with_object({}) do |(k, v), out|
      out[k.to_s.to_sym] = v.is_a?(Hash) ? symbolize_keys(v) : v
    end
  end

  # Runs `[Module::Class.]method`.
  def call(command, params)
    fragments = command.split('.')
    name = fragments.pop.to_s.to_sym
    main = TOPLEVEL_BINDING.receiver
    if fragments.empty?
      args, kwargs = arguments(main.method(name).parameters, name.to_s, params)
      return main.send(name, *args, **kwargs)
    end

    klass = Object.const_get(fragments.join('.'))
    if klass.is_a?(Class) && klass.public_instance_methods.include?(name)
      new_parameters = klass.method(:new).parameters
      new_parameters = klass.instance_method(:initialize).parameters if new_parameters == [[:rest]]
      args, kwargs = arguments(new_parameters, "#{klass}.new", params)
      instance = klass.new(*args, **kwargs)
      args, kwargs = arguments(instance.method(name).parameters, "#{klass}##{name}", params)
      instance.send(name, *args, **kwargs)
    else
      args, kwargs = arguments(klass.method(name).parameters, "#{klass}.#{name}", params)
      klass.send(name, *args, **kwargs)
    end
  end

  def relative(line, roots)
    root = roots.find { |r| line.start_with?(r) }
    root ? line[root.length..] : line
  end

  # The message without what Ruby 3.1 adds to it (error_highlight's snippet of the code,
  # did_you_mean's suggestions).
  def message(error)
    return "exit #{error.status}" if error.is_a?(SystemExit)

    error.respond_to?(:original_message) ? error.original_message : error.message
  end

  # The error for the output JSON: backtrace without the runner's own frames, paths
  # relative to the working directory, and the innermost frame in the working directory
  # (or in `script:`).
  def error_object(error, roots)
    own_files = %w[runner.rb digdag.rb].map { |f| "#{File.join(__dir__, f)}:" }
    frames = (error.backtrace || []).reject { |l| l.start_with?(*own_files) }
    own = frames.find { |l| l.start_with?('<script>:') || roots.any? { |r| l.start_with?(r) } }
    {
      'class' => error.class.name,
      'message' => message(error),
      'location' => own && relative(own, roots)[/\A(.*?:\d+)/, 1],
      'backtrace' => frames.map { |l| relative(l, roots) }
    }
  end
end

in_file, out_file = ARGV
input = JSON.parse(File.read(in_file))
params = input['params'] || {}
Digdag.env.params = params
$LOAD_PATH << File.expand_path(Dir.pwd)
roots = [input['workdir'], Dir.pwd].compact.map { |d| "#{File.expand_path(d)}/" }.uniq

error = nil
status = 0
begin
  require input['require'] if input['require']
  if input['command']
    WfRbRunner.call(input['command'], params)
  elsif input['script']
    # digdag runs the script itself with the input and output files as its arguments.
    ARGV.replace([in_file, out_file])
    TOPLEVEL_BINDING.eval(input['script'], '<script>', 1)
  else
    raise ArgumentError, "Parameter '_command' or 'script' is required but not set"
  end
rescue SignalException
  raise
rescue SystemExit => e
  unless e.success?
    error = e
    status = e.status
  end
rescue Exception => e # rubocop:disable Lint/RescueException -- reported as the task's error
  error = e
  status = 1
end

error_json = error && WfRbRunner.error_object(error, roots)
# A script that wrote the output file itself (as it must under digdag) keeps it.
unless input['script'] && !input['command'] && File.exist?(out_file)
  env = Digdag.env
  out = {
    'subtask_config' => env.subtask_config,
    'export_params' => env.export_params,
    'store_params' => env.store_params,
    'error' => error_json
  }
  begin
    File.write(out_file, JSON.generate(out))
  rescue JSON::GeneratorError => e
    error_json ||= WfRbRunner.error_object(e, roots)
    status = 1 if status.zero?
    File.write(out_file, JSON.generate('error' => error_json))
  end
end

if error_json
  frames = error_json['backtrace']
  head = frames.first ? "#{frames.first}: " : ''
  $stderr.puts "#{head}#{error_json['message']} (#{error_json['class']})"
  frames.drop(1).each { |l| $stderr.puts "\tfrom #{l}" }
  exit(status.zero? ? 1 : status)
end
