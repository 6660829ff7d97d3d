# Required by rb.dig through `_export: {rb: {require: tasks/etl}}`.
module Tasks
  class Etl
    def self.record(step, greeting:, mood: 'calm')
      File.open('out.txt', 'a') { |f| f.puts "#{step} #{greeting} #{mood}" }
      puts "recorded #{step}"
    end

    def initialize(count)
      @count = count
    end

    def remember(**params)
      Digdag.env.store(count: @count + 1, seen_by: params[:task_name])
    end

    def self.share
      Digdag.env.export('who' => 'exported from ruby')
    end

    def self.fan_out(regions)
      Digdag.env.export(batch: 'b1')
      regions.each { |r| Digdag.env.add_subtask(Tasks::Etl, :load_region, region: r) }
      Digdag.env.add_subtask(:shout, word: 'done')
      Digdag.env.add_subtask('echo>' => "regions #{regions.join(', ')} in batch ${batch}")
    end

    def self.load_region(region:, session_date:)
      File.open('out.txt', 'a') { |f| f.puts "load #{region} #{session_date}" }
    end
  end
end

def shout(word)
  puts word.upcase
  Digdag.env.store(shouted: "#{Digdag.env.params['word']}!")
end
